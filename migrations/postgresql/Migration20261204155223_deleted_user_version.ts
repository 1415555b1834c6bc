import { Migration } from '@mikro-orm/migrations';

export class Migration20261204155223_deleted_user_version extends Migration {
  override name = 'Migration20261204155223_deleted_user_version';

  override up(): void | Promise<void> {
    this.addSql(`alter table "deleted_users" add "version" int not null default 1;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "deleted_users" drop column "version";`);
  }
}
