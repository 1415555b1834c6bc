import { Migration } from '@mikro-orm/migrations';

export class Migration20261206070001_tenant_deletion extends Migration {
  override name = 'Migration20261206070001_tenant_deletion';

  override up(): void | Promise<void> {
    this.addSql(`alter table "tenants" add "deleted_at" timestamptz null, add "purge_after" timestamptz null, add "purge_started_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "tenants" drop column "deleted_at", drop column "purge_after", drop column "purge_started_at";`);
  }
}
