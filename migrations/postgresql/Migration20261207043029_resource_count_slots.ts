import { Migration } from '@mikro-orm/migrations';

/** A tenant's resource count spread over slots (resource-counts.ts): the key gains `slot`; each count so far is slot 0. */
export class Migration20261207043029_resource_count_slots extends Migration {
  override name = 'Migration20261207043029_resource_count_slots';

  override up(): void | Promise<void> {
    this.addSql(`alter table "resource_counts" drop constraint "resource_counts_pkey";`);
    this.addSql(`alter table "resource_counts" add "slot" smallint not null default 0;`);
    this.addSql(`alter table "resource_counts" add primary key ("tenant_id", "resource_type", "slot");`);
  }

  override down(): void | Promise<void> {
    // Each count becomes the sum of its slots, in slot 0, before the other slots go.
    this.addSql(
      `insert into "resource_counts" ("tenant_id", "resource_type", "slot", "count") select "tenant_id", "resource_type", 0, sum("count") from "resource_counts" group by 1, 2
        on conflict ("tenant_id", "resource_type", "slot") do update set "count" = excluded."count";`,
    );
    this.addSql(`delete from "resource_counts" where "slot" <> 0;`);
    this.addSql(`alter table "resource_counts" drop constraint "resource_counts_pkey";`);
    this.addSql(`alter table "resource_counts" drop column "slot";`);
    this.addSql(`alter table "resource_counts" add primary key ("tenant_id", "resource_type");`);
  }
}
