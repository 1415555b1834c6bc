import { Migration } from '@mikro-orm/migrations';

/**
 * Trigram indexes for substring filters (co, sw, ew), on the expressions the filter compiler compares.
 * pg_trgm ships with PostgreSQL and is a trusted extension: a database owner may create it (managed services
 * included). Building them reads the whole users and user_emails tables once.
 */
export class Migration20261206050001_user_search extends Migration {
  override name = 'Migration20261206050001_user_search';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "users_user_name_trgm" on "users" using gin ((user_name_ci) gin_trgm_ops);`);
    this.addSql(`create index "users_external_id_trgm" on "users" using gin ((external_id) gin_trgm_ops);`);
    this.addSql(`create index "users_display_name_trgm" on "users" using gin ((lower(display_name)) gin_trgm_ops);`);
    this.addSql(`create index "users_given_name_trgm" on "users" using gin ((lower(document #>> '{name,givenName}')) gin_trgm_ops);`);
    this.addSql(`create index "users_family_name_trgm" on "users" using gin ((lower(document #>> '{name,familyName}')) gin_trgm_ops);`);
    this.addSql(`create index "user_emails_value_trgm" on "user_emails" using gin ((value_ci) gin_trgm_ops);`);
  }

  override down(): void | Promise<void> {
    for (const index of [
      'users_user_name_trgm',
      'users_external_id_trgm',
      'users_display_name_trgm',
      'users_given_name_trgm',
      'users_family_name_trgm',
      'user_emails_value_trgm',
    ])
      this.addSql(`drop index if exists "${index}";`);
  }
}
