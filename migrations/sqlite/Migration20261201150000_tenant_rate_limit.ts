import { Migration } from '@mikro-orm/migrations';

export class Migration20261201150000_tenant_rate_limit extends Migration {
  override name = 'Migration20261201150000_tenant_rate_limit';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`tenants\` add column \`rate_limit_per_second\` integer null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`tenants\` drop column \`rate_limit_per_second\`;`);
  }
}
