import { Migration } from '@mikro-orm/migrations';

export class Migration20261201160001_resource_counts extends Migration {
  override name = 'Migration20261201160001_resource_counts';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "resource_counts" ("tenant_id" uuid not null, "resource_type" varchar(16) not null, "count" int not null, primary key ("tenant_id", "resource_type"));`,
    );
    this.addSql(
      `insert into "resource_counts" ("tenant_id", "resource_type", "count") select "tenant_id", 'User', count(*) from "users" group by "tenant_id";`,
    );
    this.addSql(
      `insert into "resource_counts" ("tenant_id", "resource_type", "count") select "tenant_id", 'Group', count(*) from "groups" group by "tenant_id";`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "resource_counts" cascade;`);
  }
}
