import { Migration } from '@mikro-orm/migrations';

/**
 * `sw` on userName and externalId as ranges of B-trees in byte order (user-search-index.ts,
 * POSTGRES_PREFIX_INDEXES); externalId's index is rebuilt in that order (it serves `eq` as before). Built
 * inside the migration's transaction, like the other indexes: user writes wait while they are built.
 */
export class Migration20261206090001_prefix_indexes extends Migration {
  override name = 'Migration20261206090001_prefix_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "users_tenant_username_prefix" on "users" ("tenant_id", "user_name_ci" varchar_pattern_ops);`);
    this.addSql(`drop index "users_tenant_external_id_idx";`);
    this.addSql(`create index "users_tenant_external_id_idx" on "users" ("tenant_id", "external_id" varchar_pattern_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_tenant_username_prefix";`);
    this.addSql(`drop index "users_tenant_external_id_idx";`);
    this.addSql(`create index "users_tenant_external_id_idx" on "users" ("tenant_id", "external_id");`);
  }
}
