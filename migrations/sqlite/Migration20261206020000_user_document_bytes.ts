import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020000_user_document_bytes extends Migration {
  override name = 'Migration20261206020000_user_document_bytes';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`users\` add column \`document_bytes\` integer not null default 0;`);
    // The size of each existing document as stored (the nightly job checks it against Roster's own serialisation).
    this.addSql(`update \`users\` set \`document_bytes\` = length(cast(\`document\` as blob));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`users\` drop column \`document_bytes\`;`);
  }
}
