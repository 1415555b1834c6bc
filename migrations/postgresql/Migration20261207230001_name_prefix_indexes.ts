import { Migration } from '@mikro-orm/migrations';

/**
 * A common name's `sw` read from an index alone (user-search-index.ts, POSTGRES_PREFIX_INDEXES):
 * - `given_name_ci` and `family_name_ci`, stored generated columns holding the very expressions the filter
 *   compiler compared (`lower(document #>> …)`). Adding them rewrites the users table: on a million users
 *   about 40 s with its indexes (docs/benchmarks.md), during which user writes wait.
 * - the name parts' trigram indexes rebuilt on those columns (what `co` and `ew` now compare);
 * - B-trees in byte order on (tenant, name part) for `sw`, and the userName and externalId ones rebuilt, each
 *   carrying the page keys (creation time, id) so that the matches are counted and sorted without visiting
 *   the table.
 */
export class Migration20261207230001_name_prefix_indexes extends Migration {
  override name = 'Migration20261207230001_name_prefix_indexes';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "users" add column "given_name_ci" text generated always as (lower(document #>> '{name,givenName}')) stored, add column "family_name_ci" text generated always as (lower(document #>> '{name,familyName}')) stored;`,
    );
    this.addSql(`drop index "users_given_name_trgm";`);
    this.addSql(`drop index "users_family_name_trgm";`);
    this.addSql(`create index "users_given_name_trgm" on "users" using gin ((given_name_ci) gin_trgm_ops);`);
    this.addSql(`create index "users_family_name_trgm" on "users" using gin ((family_name_ci) gin_trgm_ops);`);
    this.addSql(`create index "users_tenant_given_name_prefix" on "users" ("tenant_id", "given_name_ci" text_pattern_ops) include ("created_at", "id");`);
    this.addSql(`create index "users_tenant_family_name_prefix" on "users" ("tenant_id", "family_name_ci" text_pattern_ops) include ("created_at", "id");`);
    this.addSql(`drop index "users_tenant_username_prefix";`);
    this.addSql(`create index "users_tenant_username_prefix" on "users" ("tenant_id", "user_name_ci" varchar_pattern_ops) include ("created_at", "id");`);
    this.addSql(`drop index "users_tenant_external_id_idx";`);
    this.addSql(`create index "users_tenant_external_id_idx" on "users" ("tenant_id", "external_id" varchar_pattern_ops) include ("created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_tenant_external_id_idx";`);
    this.addSql(`create index "users_tenant_external_id_idx" on "users" ("tenant_id", "external_id" varchar_pattern_ops);`);
    this.addSql(`drop index "users_tenant_username_prefix";`);
    this.addSql(`create index "users_tenant_username_prefix" on "users" ("tenant_id", "user_name_ci" varchar_pattern_ops);`);
    this.addSql(`drop index "users_tenant_given_name_prefix";`);
    this.addSql(`drop index "users_tenant_family_name_prefix";`);
    this.addSql(`drop index "users_given_name_trgm";`);
    this.addSql(`drop index "users_family_name_trgm";`);
    this.addSql(`alter table "users" drop column "given_name_ci", drop column "family_name_ci";`);
    this.addSql(`create index "users_given_name_trgm" on "users" using gin ((lower(document #>> '{name,givenName}')) gin_trgm_ops);`);
    this.addSql(`create index "users_family_name_trgm" on "users" using gin ((lower(document #>> '{name,familyName}')) gin_trgm_ops);`);
  }
}
