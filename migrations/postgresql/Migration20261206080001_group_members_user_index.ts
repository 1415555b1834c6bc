import { Migration } from '@mikro-orm/migrations';

/**
 * Memberships by user: a user's groups (every read of a user, every page of users) and the cascade when a
 * user is deleted looked memberships up by user_id, which only SQLite indexed (its schema generator indexes
 * every foreign key; PostgreSQL's does not). Without it a page of 100 users scanned every membership of every
 * tenant: 75 ms at 104,000 memberships. The index is built inside the migration's transaction (CREATE INDEX
 * CONCURRENTLY cannot run in one), so on a large table membership writes wait while it is built: under a
 * second per million memberships (0.4 s on a two-core machine).
 */
export class Migration20261206080001_group_members_user_index extends Migration {
  override name = 'Migration20261206080001_group_members_user_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "group_members_user_id_index" on "group_members" ("user_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "group_members_user_id_index";`);
  }
}
