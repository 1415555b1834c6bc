import { Migration } from '@mikro-orm/migrations';

/**
 * Two user indexes (meta.lastModified ranges; active or deactivated learners in creation order), and the
 * planner's statistics for the tables whose plans matter.
 *
 * SQLite plans from sqlite_stat1, which only ANALYZE writes and Roster never runs; without it every index
 * looks alike, and `externalId eq` on 100,000 users read the tenant in creation order (245 ms) instead of
 * looking the id up. The rows below describe the shape Roster's data has, not any one database's content
 * (SQLite documents writing sqlite_stat1 by hand for stable plans): a tenant holds many users, a userName,
 * email, externalId or id a handful, a user about two email rows, a group some hundreds of members. The
 * first number is a table's typical size, each next one how many rows share the index's leading columns.
 * ANALYZE run by hand replaces them with measured ones, which plan the same way.
 */
export class Migration20261206060000_user_indexes extends Migration {
  override name = 'Migration20261206060000_user_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index \`users_tenant_active_idx\` on \`users\` (\`tenant_id\`, \`active\`, \`created_at\`, \`id\`);`);
    this.addSql(`create index \`users_tenant_updated_idx\` on \`users\` (\`tenant_id\`, \`updated_at\`, \`id\`);`);
    // Creates sqlite_stat1 (empty tables add no rows), then replaces what it holds.
    this.addSql(`analyze sqlite_schema;`);
    this.addSql(`delete from sqlite_stat1;`);
    const stats: [string, string, string][] = [
      ['users', 'sqlite_autoindex_users_1', '1000000 1'],
      ['users', 'users_tenant_created_idx', '1000000 10000 1 1'],
      ['users', 'users_tenant_updated_idx', '1000000 10000 1 1'],
      ['users', 'users_tenant_active_idx', '1000000 10000 5000 1 1'],
      ['users', 'users_tenant_external_id_idx', '1000000 10000 1'],
      ['users', 'users_tenant_username_unique', '1000000 10000 1'],
      ['users', 'users_tenant_email_unique', '1000000 10000 1'],
      ['user_emails', 'user_emails_user_idx', '2000000 2'],
      ['user_emails', 'user_emails_value_idx', '2000000 1 1'],
      ['user_search_keys', 'user_search_keys_user_idx', '1000000 1'],
      ['groups', 'sqlite_autoindex_groups_1', '10000 1'],
      ['groups', 'groups_tenant_created_idx', '10000 100 1 1'],
      ['groups', 'groups_tenant_external_id_idx', '10000 100 1'],
      ['groups', 'groups_tenant_display_name_unique', '10000 100 1'],
      ['group_members', 'sqlite_autoindex_group_members_1', '5000000 500 1'],
      ['group_members', 'group_members_group_id_index', '5000000 500'],
      ['group_members', 'group_members_user_id_index', '5000000 5'],
      ['deleted_users', 'sqlite_autoindex_deleted_users_1', '100000 1'],
      ['deleted_users', 'deleted_users_tenant_deleted_idx', '100000 1000 1 1'],
      ['audit_events', 'sqlite_autoindex_audit_events_1', '10000000 1'],
      ['audit_events', 'audit_events_time_idx', '10000000 10'],
      ['audit_events', 'audit_events_tenant_time_idx', '10000000 100000 10 1'],
      ['audit_events', 'audit_events_tenant_resource_idx', '10000000 100000 10 1'],
      ['provisioning_events', 'sqlite_autoindex_provisioning_events_1', '10000000 100000 1'],
      ['provisioning_events', 'provisioning_events_occurred_idx', '10000000 10'],
      ['scim_requests', 'sqlite_autoindex_scim_requests_1', '10000000 100000 1'],
    ];
    for (const [table, index, stat] of stats) this.addSql(`insert into sqlite_stat1 (tbl, idx, stat) values ('${table}', '${index}', '${stat}');`);
    // Loads them into this connection; the others load them with the schema these migrations changed.
    this.addSql(`analyze sqlite_schema;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from sqlite_stat1;`);
    this.addSql(`drop index \`users_tenant_active_idx\`;`);
    this.addSql(`drop index \`users_tenant_updated_idx\`;`);
  }
}
