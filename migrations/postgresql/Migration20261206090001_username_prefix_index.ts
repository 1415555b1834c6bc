import { Migration } from '@mikro-orm/migrations';

/**
 * `userName sw` as a range of a B-tree in byte order (user-search-index.ts, POSTGRES_PREFIX_INDEXES). Built
 * inside the migration's transaction, like the other indexes: user writes wait while it is built.
 */
export class Migration20261206090001_username_prefix_index extends Migration {
  override name = 'Migration20261206090001_username_prefix_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "users_tenant_username_prefix" on "users" ("tenant_id", "user_name_ci" varchar_pattern_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_tenant_username_prefix";`);
  }
}
