import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { HeavyReads } from '@roster/platform';
import type { ListQuery } from '@roster/scim-core';
import { isUuid, newId } from '../shared/ids';
import { adjustResourceCount, resourceCountChange } from '../shared/resource-counts';
import type { PagePosition } from '../shared/page-positions';
import { queryPageRows, splitCursorPage } from '../shared/resource-query';
import { dialectOf, fromSql, placeholders, runSql, runSqlWrite, sqlBool, sqlTime } from '../shared/sql';
import type { DerivedUserColumns } from './user.columns';
import type { UserEntity } from './user.entity';
import type { RenderableUser } from './user.mapper';
import { userStorage } from './user.storage';
import { writeAll, type SqlStatement } from '../shared/write-all';
import { RENDERING_OVERHEAD_BYTES, storedDocument } from '../shared/stored-document';

const BATCH = 500;
// A page of users is bounded by their stored documents (resource-query.ts).
const USER_PAGE_SIZE = { rowBytes: `(r.document_bytes + ${RENDERING_OVERHEAD_BYTES})` };
const COLUMNS =
  'id, tenant_id, user_name, user_name_ci, external_id, display_name, active, identity_email_ci, document, document_bytes, version, created_at, updated_at';
// A page reads what rendering its users needs (RenderableUser), each document as its stored text (PostgreSQL
// would parse jsonb): a page can be sent without parsing it (user-page.ts).
const PAGE_COLUMNS = {
  sqlite: 'r.id, r.active, r.document, r.version, r.created_at, r.updated_at',
  postgresql: 'r.id, r.active, r.document::text AS document, r.version, r.created_at, r.updated_at',
};

/** A user of a listed page: its document still the stored JSON text, parsed only where rendering needs it. */
export type StoredUser = Omit<RenderableUser, 'document'> & {
  documentText: string;
  /** False only when the page read that the user belongs to no group (`memberOfAny`). */
  inAnyGroup: boolean;
};

/**
 * All User queries, every one scoped by tenant, as hand-written SQL with bound parameters: these run on
 * every provisioning request, and going through the ORM's unit of work cost more CPU than the database
 * work itself (docs/benchmarks.md). The entity class stays the schema (migrations, drift test) and the
 * shape of a loaded user; the version column is checked and bumped here, as the ORM would.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly heavyReads: HeavyReads) {}

  /**
   * One user, with `related` (an SQL expression over the row `users`, such as its groups) read by the
   * same statement: one round trip instead of two on every read and write of a user.
   */
  async findById(
    em: EntityManager,
    tenantId: string,
    id: string,
    options: { forUpdate?: boolean; related?: string } = {},
  ): Promise<{ user: UserEntity; related: unknown } | null> {
    if (!isUuid(id)) return null;
    // PostgreSQL locks the row for the transaction; SQLite's BEGIN IMMEDIATE already serialises writers.
    const lock = options.forUpdate && dialectOf(em) === 'postgresql' ? ' FOR UPDATE' : '';
    const related = options.related ? `, ${options.related} AS related` : '';
    const rows = await runSql(em, `SELECT ${COLUMNS}${related} FROM users WHERE tenant_id = ? AND id = ?${lock}`, [tenantId, id.toLowerCase()]);
    return rows.length ? { user: toUser(rows[0]), related: rows[0].related } : null;
  }

  /**
   * A page by index, or, with `cursor`, the page after `cursor.after` (RFC 9865) and where the next one
   * starts; `countUpTo` stops counting there (queryPageRows); `memberOfAny`, an SQL expression over the row `r`,
   * says for each user whether it belongs to any group (StoredUser.inAnyGroup).
   */
  async list(
    em: EntityManager,
    tenantId: string,
    query: ListQuery,
    page: { cursor?: { after?: PagePosition }; countUpTo?: number; memberOfAny?: string } = {},
  ): Promise<{ total: number; totalCapped: boolean; users: StoredUser[]; next?: PagePosition }> {
    const { cursor, countUpTo } = page;
    const columns = `${PAGE_COLUMNS[dialectOf(em)]}${page.memberOfAny ? `, ${page.memberOfAny} AS member_of_any` : ''}`;
    const read = await queryPageRows(em, userStorage, tenantId, query, columns, 'User', {
      ...(cursor ? { after: cursor.after, lookAhead: true } : {}),
      size: USER_PAGE_SIZE,
      heavyReads: this.heavyReads,
      countUpTo,
    });
    const { rows, next } = cursor ? splitCursorPage(read, query.count) : { rows: read.rows, next: undefined };
    return { total: read.total, totalCapped: read.totalCapped === true, users: rows.map(toStoredUser), next };
  }

  /** What another user of the tenant already holds: the same userName or the same identity email. */
  async conflictOf(em: EntityManager, tenantId: string, columns: DerivedUserColumns, selfId?: string): Promise<'userName' | 'email' | undefined> {
    const rows = await runSql<{ user_name_ci: string }>(
      em,
      `SELECT user_name_ci FROM users WHERE tenant_id = ? AND (user_name_ci = ? OR identity_email_ci = ?)${selfId ? ' AND id <> ?' : ''} LIMIT 2`,
      [tenantId, columns.userNameCi, columns.identityEmailCi, ...(selfId ? [selfId] : [])],
    );
    if (!rows.length) return undefined;
    return rows.some((row) => row.user_name_ci === columns.userNameCi) ? 'userName' : 'email';
  }

  /** Which of these ids are users of the tenant (group members, managers), lower-cased. */
  async existingIds(em: EntityManager, tenantId: string, ids: string[]): Promise<Set<string>> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const found = new Set<string>();
    for (let i = 0; i < valid.length; i += BATCH) {
      const batch = valid.slice(i, i + BATCH);
      const rows = await runSql<{ id: string }>(em, `SELECT id FROM users WHERE tenant_id = ? AND id IN (${placeholders(batch)})`, [tenantId, ...batch]);
      rows.forEach((row) => found.add(row.id));
    }
    return found;
  }

  /**
   * The statements that create the user: its row, the tenant's count, its email rows (write-all.ts). A
   * document larger than a resource may be is refused here, before anything is written; the user gets its
   * stored size (documentBytes).
   */
  insertion(em: EntityManager, user: UserEntity, columns: DerivedUserColumns): SqlStatement[] {
    const stored = storedDocument(user.document, 'user');
    user.documentBytes = stored.bytes;
    const row = {
      sql: `INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        user.id,
        user.tenantId,
        user.userName,
        user.userNameCi,
        user.externalId ?? null,
        user.displayName ?? null,
        sqlBool(em, user.active),
        user.identityEmailCi ?? null,
        stored.json,
        stored.bytes,
        user.version,
        sqlTime(em, user.createdAt),
        sqlTime(em, user.updatedAt),
      ],
    };
    return [row, resourceCountChange(user.tenantId, 'User', 1), ...emailRows(em, user, columns)];
  }

  /**
   * The statements that write `user` as it now is, if it is still at `user.version` (the version `before`
   * was at): the first changes no row when another writer got there first (write-all.ts, firstMustChange).
   * Only the derived columns whose values changed are assigned: SQLite rewrites the entry of every index
   * over an assigned column, changed or not, and Okta's deactivation would otherwise dirty three index pages
   * besides the row's own. Email rows are rewritten only when `emailsChanged`. As for an insertion, a
   * document too large is refused here and `user` gets its stored size.
   */
  update(em: EntityManager, before: UserEntity, user: UserEntity, columns: DerivedUserColumns, emailsChanged: boolean): SqlStatement[] {
    const stored = storedDocument(user.document, 'user');
    user.documentBytes = stored.bytes;
    const old = derivedValues(em, before);
    const assignments: string[] = [];
    const values: unknown[] = [];
    derivedValues(em, user).forEach((value, i) => {
      if (value === old[i]) return;
      assignments.push(`${DERIVED_COLUMNS[i]} = ?`);
      values.push(value);
    });
    const row = {
      sql: `UPDATE users SET ${[...assignments, 'document = ?', 'document_bytes = ?', 'updated_at = ?'].join(', ')}, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?`,
      params: [...values, stored.json, stored.bytes, sqlTime(em, user.updatedAt), user.tenantId, user.id, user.version],
    };
    return emailsChanged ? [row, emailRowsRemoval(user), ...emailRows(em, user, columns)] : [row];
  }

  /**
   * Rewrites only the columns derived from the document (the nightly repair), if the user is still at
   * `version`; the version itself stays, since the resource clients see has not changed.
   */
  async rewriteDerivedColumns(
    em: EntityManager,
    user: UserEntity,
    columns: Omit<DerivedUserColumns, 'emails'> & { documentBytes: number },
    version: number,
  ): Promise<boolean> {
    const derived = { ...user, ...columns };
    return (
      (await runSqlWrite(em, `UPDATE users SET ${DERIVED_ASSIGNMENTS}, document_bytes = ? WHERE tenant_id = ? AND id = ? AND version = ?`, [
        ...derivedValues(em, derived),
        columns.documentBytes,
        user.tenantId,
        user.id,
        version,
      ])) > 0
    );
  }

  /** The email index rows (case-folded addresses) of these users, by user id. */
  async storedEmailsOf(em: EntityManager, userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    for (let i = 0; i < userIds.length; i += BATCH) {
      const batch = userIds.slice(i, i + BATCH);
      const rows = await runSql<{ user_id: string; value_ci: string }>(
        em,
        `SELECT user_id, value_ci FROM user_emails WHERE user_id IN (${placeholders(batch)})`,
        batch,
      );
      for (const row of rows) result.set(row.user_id, [...(result.get(row.user_id) ?? []), row.value_ci]);
    }
    return result;
  }

  /** Rewrites the email index rows of a user, in the caller's transaction (the nightly repair). */
  async replaceEmails(em: EntityManager, user: UserEntity, columns: DerivedUserColumns): Promise<void> {
    await writeAll(em, [emailRowsRemoval(user), ...emailRows(em, user, columns)]);
  }

  /**
   * What an update of the row `users` returns besides writing it (write-all.ts, `returning`): `related`, an
   * SQL expression over that row (such as its groups), and `manager_id`: `managerId` if it names a user of
   * the tenant — what the response needs, read by the write itself.
   */
  returningForResponse(related: string, managerId: string | undefined): SqlStatement {
    if (managerId === undefined || !isUuid(managerId)) return { sql: `${related} AS related`, params: [] };
    return {
      sql: `${related} AS related, (SELECT manager.id FROM users manager WHERE manager.tenant_id = users.tenant_id AND manager.id = ?) AS manager_id`,
      params: [managerId.toLowerCase()],
    };
  }

  /**
   * Moves the user to deleted_users (restorable until purged) and removes it and its email rows. Its
   * version goes along: a restored user continues from it (deleted-users.service.ts).
   */
  async delete(em: EntityManager, user: UserEntity, now: Date): Promise<void> {
    await runSqlWrite(
      em,
      `INSERT INTO deleted_users (id, tenant_id, user_name, external_id, document, version, created_at, deleted_at)
       SELECT id, tenant_id, user_name, external_id, document, version, created_at, ? FROM users WHERE tenant_id = ? AND id = ?`,
      [sqlTime(em, now), user.tenantId, user.id],
    );
    await runSqlWrite(em, 'DELETE FROM user_emails WHERE user_id = ?', [user.id]);
    if (await runSqlWrite(em, 'DELETE FROM users WHERE tenant_id = ? AND id = ?', [user.tenantId, user.id]))
      await adjustResourceCount(em, user.tenantId, 'User', -1);
  }
}

function emailRowsRemoval(user: UserEntity): SqlStatement {
  return { sql: 'DELETE FROM user_emails WHERE user_id = ?', params: [user.id] };
}

function emailRows(em: EntityManager, user: UserEntity, columns: DerivedUserColumns): SqlStatement[] {
  if (!columns.emails.length) return [];
  return [
    {
      sql: `INSERT INTO user_emails (user_id, tenant_id, value, value_ci, type, is_primary, display) VALUES ${columns.emails.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      params: columns.emails.flatMap((e) => [user.id, user.tenantId, e.value, e.valueCi, e.type, sqlBool(em, e.isPrimary), e.display]),
    },
  ];
}

// The columns derived from the document (user.columns.ts), in one order for every statement that writes them.
const DERIVED_COLUMNS = ['user_name', 'user_name_ci', 'external_id', 'display_name', 'active', 'identity_email_ci'];
const DERIVED_ASSIGNMENTS = DERIVED_COLUMNS.map((column) => `${column} = ?`).join(', ');

function derivedValues(em: EntityManager, user: UserEntity): unknown[] {
  return [user.userName, user.userNameCi, user.externalId ?? null, user.displayName ?? null, sqlBool(em, user.active), user.identityEmailCi ?? null];
}

/** A new user's fields; the rest (a fresh id, version 1, the times) default as the entity's would. */
export type NewUserFields = Pick<UserEntity, 'tenantId' | 'userName' | 'userNameCi' | 'active' | 'document'> &
  Partial<Pick<UserEntity, 'id' | 'externalId' | 'displayName' | 'identityEmailCi' | 'createdAt' | 'updatedAt'>>;

/**
 * A user as the request path handles it: a plain object of the entity's shape, never an instance of the
 * entity class. Those are MikroORM's: each property assigned on one defines accessors on the instance and
 * allocates the ORM's helper, which cost more than the rest of reading a user (docs/benchmarks.md).
 */
export function newUser(fields: NewUserFields): UserEntity {
  const now = new Date();
  return userRecord({
    id: newId(),
    externalId: null,
    displayName: null,
    identityEmailCi: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
    documentBytes: 0,
    version: 1,
  });
}

function userRecord(user: UserEntity): UserEntity {
  // One literal, one property order: every user has the same hidden class.
  return {
    id: user.id,
    tenantId: user.tenantId,
    userName: user.userName,
    userNameCi: user.userNameCi,
    externalId: user.externalId ?? null,
    displayName: user.displayName ?? null,
    active: user.active,
    identityEmailCi: user.identityEmailCi ?? null,
    document: user.document,
    documentBytes: user.documentBytes,
    version: user.version,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

function toUser(row: Record<string, unknown>): UserEntity {
  return userRecord({
    id: String(row.id),
    tenantId: String(row.tenant_id),
    userName: row.user_name as string,
    userNameCi: row.user_name_ci as string,
    externalId: (row.external_id as string | null) ?? null,
    displayName: (row.display_name as string | null) ?? null,
    active: fromSql.bool(row.active),
    identityEmailCi: (row.identity_email_ci as string | null) ?? null,
    document: fromSql.json(row.document),
    documentBytes: Number(row.document_bytes),
    version: Number(row.version),
    createdAt: fromSql.time(row.created_at),
    updatedAt: fromSql.time(row.updated_at),
  });
}

/** The user with its document parsed. */
export function withDocument(stored: StoredUser): RenderableUser {
  const { documentText, ...user } = stored;
  return { ...user, document: JSON.parse(documentText) as RenderableUser['document'] };
}

function toStoredUser(row: Record<string, unknown>): StoredUser {
  return {
    id: String(row.id),
    active: fromSql.bool(row.active),
    version: Number(row.version),
    createdAt: fromSql.time(row.created_at),
    updatedAt: fromSql.time(row.updated_at),
    documentText: row.document as string,
    inAnyGroup: row.member_of_any === undefined || fromSql.bool(row.member_of_any),
  };
}
