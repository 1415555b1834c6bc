import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { HeavyReads, noteRowChanges } from '@roster/platform';
import type { ListQuery } from '@roster/scim-core';
import type { PagePosition } from '../shared/page-positions';
import { queryPageRows, splitCursorPage } from '../shared/resource-query';
import { RENDERING_OVERHEAD_BYTES } from '../shared/stored-document';
import { isUuid, newId } from '../shared/ids';
import { dialectOf, fromSql, placeholders, runSql, sqlJson, sqlTime } from '../shared/sql';
import type { SqlStatement } from '../shared/write-all';
import type { GroupEntity } from './group.entity';
import { groupStorage } from './group.storage';

const BATCH = 500;
// What a group takes in a page that lists its members: its own attributes, and each member's value, display and $ref.
const MEMBER_BYTES = 160;
const GROUP_WITH_MEMBERS_SIZE = {
  rowBytes: `(${RENDERING_OVERHEAD_BYTES} + ${MEMBER_BYTES} * (SELECT count(*) FROM group_members m WHERE m.group_id = r.id))`,
};

const COLUMNS = 'id, tenant_id, external_id, display_name, display_name_ci, document, version, created_at, updated_at';
const PAGE_COLUMNS = COLUMNS.split(', ')
  .map((column) => `r.${column}`)
  .join(', ');

export interface MemberRow {
  userId: string;
  userName: string;
}

/**
 * Group queries, every one scoped by tenant, as hand-written SQL with bound parameters (as for users: the
 * ORM's unit of work cost more CPU than the statements themselves on every group push). Membership changes
 * are set-based SQL in batches, so their cost follows the number of members changed, never the size of the
 * group. The entity class stays the schema (migrations, drift test) and the shape of a loaded group.
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly heavyReads: HeavyReads) {}

  /** One group; `forUpdate` locks its row on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers). */
  async findById(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<GroupEntity | null> {
    if (!isUuid(id)) return null;
    const lock = forUpdate && dialectOf(em) === 'postgresql' ? ' FOR UPDATE' : '';
    const rows = await runSql(em, `SELECT ${COLUMNS} FROM groups WHERE tenant_id = ? AND id = ?${lock}`, [tenantId, id.toLowerCase()]);
    return rows.length ? toGroup(rows[0]) : null;
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
    const read = await queryPageRows(em, groupStorage, tenantId, query, PAGE_COLUMNS, 'Group', {
      ...(cursor ? { after: cursor.after, lookAhead: true } : {}),
      size,
      heavyReads: this.heavyReads,
    });
    const { rows, next } = cursor ? splitCursorPage(read, query.count) : { rows: read.rows, next: undefined };
    return { total: read.total, groups: rows.map(toGroup), next };
  }

  /** The statement that stores a new group (its members are rows of their own: addMembers). */
  insertion(em: EntityManager, group: GroupEntity): SqlStatement {
    return {
      sql: `INSERT INTO groups (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        group.id,
        group.tenantId,
        group.externalId ?? null,
        group.displayName,
        group.displayNameCi,
        sqlJson(group.document),
        group.version,
        sqlTime(em, group.createdAt),
        sqlTime(em, group.updatedAt),
      ],
    };
  }

  /**
   * The statement that writes `group` as it now is and bumps its version, if it is still at `version` (the
   * version it was read at): otherwise it changes no row (write-all.ts, firstMustChange).
   */
  update(em: EntityManager, group: GroupEntity, version: number): SqlStatement {
    return {
      sql: 'UPDATE groups SET external_id = ?, display_name = ?, display_name_ci = ?, document = ?, updated_at = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?',
      params: [
        group.externalId ?? null,
        group.displayName,
        group.displayNameCi,
        sqlJson(group.document),
        sqlTime(em, group.updatedAt),
        group.tenantId,
        group.id,
        version,
      ],
    };
  }

  /** The statement that deletes a group (its memberships first: removeAllMembers). */
  deletion(group: GroupEntity): SqlStatement {
    return { sql: 'DELETE FROM groups WHERE tenant_id = ? AND id = ?', params: [group.tenantId, group.id] };
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

  /**
   * Inserts memberships of the tenant's users among `userIds`; existing memberships and ids that are not
   * the tenant's users are left out. Returns the user ids really added. One statement per 500 ids, each id
   * one parameter: a push of 100 members had 400 before, and a round trip of its own to check them first.
   */
  async addMembers(em: EntityManager, tenantId: string, groupId: string, userIds: string[], now: Date): Promise<string[]> {
    const added: string[] = [];
    const at = sqlTime(em, now);
    const valid = userIds.filter(isUuid);
    for (let i = 0; i < valid.length; i += BATCH) {
      const batch = valid.slice(i, i + BATCH);
      const rows = await runSql<{ user_id: string }>(
        em,
        `INSERT INTO group_members (group_id, user_id, tenant_id, created_at)
         SELECT ?, id, tenant_id, ? FROM users WHERE tenant_id = ? AND id IN (${placeholders(batch)})
         ON CONFLICT (group_id, user_id) DO NOTHING RETURNING user_id`,
        [groupId, at, tenantId, ...batch],
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

/** The fields of a new group; the rest (a fresh id, version 1) default as the entity's would. */
export type NewGroupFields = Pick<GroupEntity, 'tenantId' | 'displayName' | 'displayNameCi' | 'externalId' | 'document' | 'createdAt' | 'updatedAt'>;

/** A group as the request path handles it: a plain object of the entity's shape (users.repository.ts says why). */
export function newGroup(fields: NewGroupFields): GroupEntity {
  return groupRecord({ id: newId(), version: 1, ...fields });
}

function groupRecord(group: GroupEntity): GroupEntity {
  // One literal, one property order: every group has the same hidden class.
  return {
    id: group.id,
    tenantId: group.tenantId,
    externalId: group.externalId ?? null,
    displayName: group.displayName,
    displayNameCi: group.displayNameCi,
    document: group.document,
    version: group.version,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
  };
}

function toGroup(row: Record<string, unknown>): GroupEntity {
  return groupRecord({
    id: String(row.id),
    tenantId: String(row.tenant_id),
    externalId: (row.external_id as string | null) ?? null,
    displayName: row.display_name as string,
    displayNameCi: row.display_name_ci as string,
    document: fromSql.json(row.document),
    version: Number(row.version),
    createdAt: fromSql.time(row.created_at),
    updatedAt: fromSql.time(row.updated_at),
  });
}
