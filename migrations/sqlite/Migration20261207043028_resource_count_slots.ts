import { Migration } from '@mikro-orm/migrations';

/**
 * A tenant's resource count spread over slots (resource-counts.ts): the key gains `slot`, and each count so
 * far becomes slot 0. SQLite cannot change a table's primary key, so the table is rebuilt.
 */
export class Migration20261207043028_resource_count_slots extends Migration {
  override name = 'Migration20261207043028_resource_count_slots';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`resource_counts_slotted\` (\`tenant_id\` text not null, \`resource_type\` text not null, \`slot\` integer not null default 0, \`count\` integer not null, primary key (\`tenant_id\`, \`resource_type\`, \`slot\`));`,
    );
    this.addSql(
      `insert into \`resource_counts_slotted\` (\`tenant_id\`, \`resource_type\`, \`slot\`, \`count\`) select \`tenant_id\`, \`resource_type\`, 0, \`count\` from \`resource_counts\`;`,
    );
    this.addSql(`drop table \`resource_counts\`;`);
    this.addSql(`alter table \`resource_counts_slotted\` rename to \`resource_counts\`;`);
  }

  override down(): void | Promise<void> {
    this.addSql(
      `create table \`resource_counts_single\` (\`tenant_id\` text not null, \`resource_type\` text not null, \`count\` integer not null, primary key (\`tenant_id\`, \`resource_type\`));`,
    );
    this.addSql(
      `insert into \`resource_counts_single\` (\`tenant_id\`, \`resource_type\`, \`count\`) select \`tenant_id\`, \`resource_type\`, sum(\`count\`) from \`resource_counts\` group by \`tenant_id\`, \`resource_type\`;`,
    );
    this.addSql(`drop table \`resource_counts\`;`);
    this.addSql(`alter table \`resource_counts_single\` rename to \`resource_counts\`;`);
  }
}
