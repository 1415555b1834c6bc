import { Migration } from '@mikro-orm/migrations';

export class Migration20261201170001_deleted_users extends Migration {
  override name = 'Migration20261201170001_deleted_users';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "deleted_users" ("id" uuid not null, "tenant_id" uuid not null, "user_name" varchar(512) not null, "external_id" varchar(512) null, "document" jsonb not null, "created_at" timestamptz not null, "deleted_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "deleted_users_tenant_deleted_idx" on "deleted_users" ("tenant_id", "deleted_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "deleted_users" cascade;`);
  }
}
