import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { dialectOf, fromSql, placeholders, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import type { GroupRef } from './user.mapper';

/**
 * The read-only `groups` attribute of users and the membership cleanup when a user is deleted. These
 * read and delete rows of the groups module's tables directly (plain SQL on group_members/groups),
 * which keeps the dependency one-way: groups depends on users, never the reverse.
 */
@Injectable()
export class UserGroupsQuery {
  /**
   * The groups of the row `users` (or the alias given) as one JSON value, `[{ value, display }]` ordered by
   * display name, for the statement that reads the user itself (read back with groupsFrom).
   */
  groupsColumn(em: EntityManager, users = 'users'): string {
    const memberships = `FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.tenant_id = ${users}.tenant_id AND m.user_id = ${users}.id`;
    const order = 'ORDER BY g.display_name_ci, g.id';
    return dialectOf(em) === 'postgresql'
      ? `(SELECT coalesce(json_agg(json_build_object('value', g.id, 'display', g.display_name) ${order}), '[]') ${memberships})`
      : `(SELECT json_group_array(json_object('value', g.id, 'display', g.display_name) ${order}) ${memberships})`;
  }

  /**
   * Whether the row `users` (or the alias given) belongs to any group, as an SQL expression for the statement
   * that reads the row: a page asks for the groups of its members only (groupsOf), and none at all when no
   * user of the page is in a group, a round trip less.
   */
  memberOfAnyColumn(users = 'users'): string {
    // Not EXISTS: PostgreSQL may turn that into one hash of every tenant's memberships, built for each page. A
    // sub-select with a LIMIT is a probe of the user's index entries per row.
    return `(SELECT 1 FROM group_members m WHERE m.user_id = ${users}.id AND m.tenant_id = ${users}.tenant_id LIMIT 1) IS NOT NULL`;
  }

  /**
   * The groups of a page of users, in one grouped statement: a sub-select per row (groupsColumn) let
   * PostgreSQL plan a scan of the memberships for each of a page's hundred users whenever its statistics
   * were behind (10 ms of a 12 ms page).
   */
  async groupsOf(em: EntityManager, tenantId: string, userIds: string[]): Promise<Map<string, GroupRef[]>> {
    const groups = new Map<string, GroupRef[]>();
    if (!userIds.length) return groups;
    // PostgreSQL takes the ids as one array: one text for every page, kept prepared, and one parameter to bind.
    const postgres = dialectOf(em) === 'postgresql';
    const rows = await runSql<{ user_id: string; id: string; display_name: string }>(
      em,
      `SELECT m.user_id AS user_id, g.id AS id, g.display_name AS display_name FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.tenant_id = ? AND m.user_id ${postgres ? '= ANY(?::uuid[])' : `IN (${placeholders(userIds)})`} ORDER BY m.user_id, g.display_name_ci, g.id`,
      postgres ? [tenantId, userIds] : [tenantId, ...userIds],
      { prepared: postgres },
    );
    for (const row of rows) {
      const userId = String(row.user_id);
      const list = groups.get(userId) ?? [];
      if (!list.length) groups.set(userId, list);
      list.push({ value: String(row.id), display: row.display_name });
    }
    return groups;
  }

  /** The groups groupsColumn read; undefined when the user belongs to none. */
  groupsFrom(value: unknown): GroupRef[] | undefined {
    const groups = fromSql.json<GroupRef[] | null>(value);
    return groups?.length ? groups : undefined;
  }

  /**
   * Removes a user from all its groups and says which they were. Each of those groups changed (its members), so its version and
   * lastModified move too: an If-Match written against the old member list must fail.
   */
  async removeMemberships(em: EntityManager, tenantId: string, userId: string, now: Date): Promise<{ id: string; externalId: string | null }[]> {
    const at = sqlTime(em, now);
    const groups = await runSql<{ id: string; external_id: string | null }>(
      em,
      `SELECT g.id AS id, g.external_id AS external_id FROM group_members m JOIN groups g ON g.id = m.group_id
        WHERE m.tenant_id = ? AND m.user_id = ? ORDER BY g.id`,
      [tenantId, userId],
    );
    if (!groups.length) return [];
    await runSqlWrite(
      em,
      `UPDATE groups SET version = version + 1, updated_at = ?
        WHERE tenant_id = ? AND id IN (SELECT group_id FROM group_members WHERE tenant_id = ? AND user_id = ?)`,
      [at, tenantId, tenantId, userId],
    );
    await runSqlWrite(em, 'DELETE FROM group_members WHERE tenant_id = ? AND user_id = ?', [tenantId, userId]);
    return groups.map((group) => ({ id: String(group.id), externalId: group.external_id ?? null }));
  }
}
