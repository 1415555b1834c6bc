import { Migration } from '@mikro-orm/migrations';

export class Migration20261206070000_tenant_deletion extends Migration {
  override name = 'Migration20261206070000_tenant_deletion';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`tenants\` add column \`deleted_at\` datetime null;`);
    this.addSql(`alter table \`tenants\` add column \`purge_after\` datetime null;`);
    this.addSql(`alter table \`tenants\` add column \`purge_started_at\` datetime null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`tenants\` drop column \`deleted_at\`;`);
    this.addSql(`alter table \`tenants\` drop column \`purge_after\`;`);
    this.addSql(`alter table \`tenants\` drop column \`purge_started_at\`;`);
  }
}
