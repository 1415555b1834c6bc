import { Migration } from '@mikro-orm/migrations';

export class Migration20261204155212_deleted_user_version extends Migration {
  override name = 'Migration20261204155212_deleted_user_version';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`deleted_users\` add column \`version\` integer not null default 1;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`deleted_users\` drop column \`version\`;`);
  }
}
