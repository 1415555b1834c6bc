import { Migration } from '@mikro-orm/migrations';

export class Migration20261206060001_user_indexes extends Migration {
  override name = 'Migration20261206060001_user_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "users_tenant_active_idx" on "users" ("tenant_id", "active", "created_at", "id");`);
    this.addSql(`create index "users_tenant_updated_idx" on "users" ("tenant_id", "updated_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_tenant_active_idx";`);
    this.addSql(`drop index "users_tenant_updated_idx";`);
  }
}
