import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { HeavyReads, noteRowChanges } from '@roster/platform';
import type { ListQuery } from '@roster/scim-core';
import type { PagePosition } from '../shared/page-positions';
import { findResource, listResources } from '../shared/resource-query';
import { RENDERING_OVERHEAD_BYTES } from '../shared/stored-document';
import { isUuid } from '../shared/ids';
import { placeholders, runSql, sqlTime } from '../shared/sql';
import { GroupEntity } from './group.entity';
import { groupStorage } from './group.storage';

const BATCH = 500;
// What a group takes in a page that lists its members: its own attributes, and each member's value, display and $ref.
const MEMBER_BYTES = 160;
const GROUP_WITH_MEMBERS_SIZE = {
  rowBytes: `(${RENDERING_OVERHEAD_BYTES} + ${MEMBER_BYTES} * (SELECT count(*) FROM group_members m WHERE m.group_id = r.id))`,
};

export interface MemberRow {
  userId: string;
  userName: string;
}

/**
 * Group queries, every one scoped by tenant. Membership changes are set-based SQL in batches, so their
 * cost follows the number of members changed, never the size of the group.
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly heavyReads: HeavyReads) {}

  findById(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<GroupEntity | null> {
    return findResource(em, GroupEntity, tenantId, id, forUpdate);
  }

  /**
   * A page of groups. With `withMembers` (the response lists them), the page is bounded in bytes by the
   * groups' member counts, so that a page of large groups cannot take the process's memory.
   */
  async list(
    em: EntityManager,
    tenantId: string,
    query: ListQuery,
    cursor?: { after?: PagePosition },
    withMembers = false,
  ): Promise<{ total: number; groups: GroupEntity[]; next?: PagePosition }> {
    const size = withMembers ? GROUP_WITH_MEMBERS_SIZE : undefined;
    const { total, items, next } = await listResources(em, GroupEntity, groupStorage, tenantId, query, 'Group', cursor, size, this.heavyReads);
    return { total, groups: items, next };
  }

  /** Members of several groups, with the userName shown as `display` (Okta sends and expects it). */
  async membersOf(em: EntityManager, tenantId: string, groupIds: string[]): Promise<Map<string, MemberRow[]>> {
    const result = new Map<string, MemberRow[]>();
    for (let i = 0; i < groupIds.length; i += BATCH) {
      const batch = groupIds.slice(i, i + BATCH);
      const rows = await runSql<{ group_id: string; user_id: string; user_name: string }>(
        em,
        `SELECT m.group_id AS group_id, m.user_id AS user_id, u.user_name AS user_name
           FROM group_members m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? AND m.group_id IN (${placeholders(batch)})
          ORDER BY m.group_id, m.created_at, m.user_id`,
        [tenantId, ...batch],
      );
      for (const row of rows) {
        const list = result.get(row.group_id) ?? [];
        list.push({ userId: row.user_id, userName: row.user_name });
        result.set(row.group_id, list);
      }
    }
    return result;
  }

  /** How many members each of these groups has (an index-only count per group). */
  async memberCounts(em: EntityManager, tenantId: string, groupIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (let i = 0; i < groupIds.length; i += BATCH) {
      const batch = groupIds.slice(i, i + BATCH);
      const rows = await runSql<{ group_id: string; n: number | string }>(
        em,
        `SELECT group_id, count(*) AS n FROM group_members WHERE tenant_id = ? AND group_id IN (${placeholders(batch)}) GROUP BY group_id`,
        [tenantId, ...batch],
      );
      for (const row of rows) counts.set(String(row.group_id), Number(row.n));
    }
    return counts;
  }

  async memberIds(em: EntityManager, groupId: string): Promise<string[]> {
    const rows = await runSql<{ user_id: string }>(em, 'SELECT user_id FROM group_members WHERE group_id = ?', [groupId]);
    return rows.map((r) => r.user_id);
  }

  /** Inserts memberships; existing ones are left alone. Returns the user ids really added. */
  async addMembers(em: EntityManager, tenantId: string, groupId: string, userIds: string[], now: Date): Promise<string[]> {
    const added: string[] = [];
    const at = sqlTime(em, now);
    for (let i = 0; i < userIds.length; i += BATCH) {
      const batch = userIds.slice(i, i + BATCH);
      const values = batch.map(() => '(?, ?, ?, ?)').join(', ');
      const rows = await runSql<{ user_id: string }>(
        em,
        `INSERT INTO group_members (group_id, user_id, tenant_id, created_at) VALUES ${values}
         ON CONFLICT (group_id, user_id) DO NOTHING RETURNING user_id`,
        batch.flatMap((userId) => [groupId, userId, tenantId, at]),
      );
      added.push(...rows.map((r) => r.user_id));
    }
    noteRowChanges('group_members', added.length);
    return added;
  }

  /** Deletes memberships; absent ones are ignored. Returns the user ids really removed. */
  async removeMembers(em: EntityManager, groupId: string, userIds: string[]): Promise<string[]> {
    const removed: string[] = [];
    const valid = [...new Set(userIds.filter(isUuid).map((id) => id.toLowerCase()))];
    for (let i = 0; i < valid.length; i += BATCH) {
      const batch = valid.slice(i, i + BATCH);
      const rows = await runSql<{ user_id: string }>(
        em,
        `DELETE FROM group_members WHERE group_id = ? AND user_id IN (${placeholders(batch)}) RETURNING user_id`,
        [groupId, ...batch],
      );
      removed.push(...rows.map((r) => r.user_id));
    }
    noteRowChanges('group_members', removed.length);
    return removed;
  }

  async removeAllMembers(em: EntityManager, groupId: string): Promise<string[]> {
    const rows = await runSql<{ user_id: string }>(em, 'DELETE FROM group_members WHERE group_id = ? RETURNING user_id', [groupId]);
    noteRowChanges('group_members', rows.length);
    return rows.map((r) => r.user_id);
  }
}
