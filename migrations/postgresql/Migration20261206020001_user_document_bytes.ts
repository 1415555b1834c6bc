import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020001_user_document_bytes extends Migration {
  override name = 'Migration20261206020001_user_document_bytes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "users" add "document_bytes" int not null default 0;`);
    // Each document's size as Roster writes it: jsonb prints ", " and ": " between items, Roster's JSON has no
    // spaces there, so they are dropped outside strings before counting (key order does not change a size).
    this.addSql(`update "users" set "document_bytes" = octet_length(regexp_replace("document"::text, '("(?:[^"\\\\]|\\\\.)*")|([,:]) ', '\\1\\2', 'g'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop column "document_bytes";`);
  }
}
