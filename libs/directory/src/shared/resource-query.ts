import { LockMode, type EntityManager } from '@mikro-orm/core';
import { isUuid } from './ids';
import type { ScimResourceEntity } from './scim-resource.entity';
import { pagePositions, type PagePosition } from './page-positions';
import { resourceCount, type CountedResource } from './resource-counts';
import { dialectOf, runSql } from './sql';
import { filterToSql, sortExpression, type ListQuery, type ResourceStorage } from '@roster/scim-core';

export interface PageOfIds {
  total: number;
  ids: string[];
}

/**
 * Runs a SCIM list query in the database: tenant scope, compiled filter, stable order, paging.
 * The filter fragment is always parenthesised and ANDed after the tenant condition, so an OR in a
 * client filter can never widen the scope beyond the tenant.
 *
 * `totalResults` needs a count only when the page is full: a page with room left (an IdP's
 * `userName eq` lookup, the last page of a walk) already says how many there are.
 */
export async function queryPage(
  em: EntityManager,
  storage: ResourceStorage,
  tenantId: string,
  query: ListQuery,
  counted?: CountedResource,
): Promise<PageOfIds> {
  const { total, rows } = await queryPageRows(em, storage, tenantId, query, 'r.id AS id, r.created_at AS created_at', counted);
  return { total, ids: rows.map((row) => String(row.id)) };
}

/**
 * The same, returning `columns` of the page's rows. The first page (every filtered lookup) and a resumed
 * walk read their rows in one statement; a page reached by OFFSET picks ids on the index first, so OFFSET
 * never reads the rows it skips.
 */
export async function queryPageRows(
  em: EntityManager,
  storage: ResourceStorage,
  tenantId: string,
  query: ListQuery,
  columns: string,
  counted?: CountedResource,
  options: { after?: PagePosition; lookAhead?: boolean } = {},
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const dialect = dialectOf(em);
  const filter = query.filter ? filterToSql(query.filter, storage, dialect) : undefined;
  const where = `r.tenant_id = ?${filter ? ` AND (${filter.sql})` : ''}`;
  const params = [tenantId, ...(filter?.params ?? [])];
  const countRows = async () =>
    Number((await runSql<{ n: number | string }>(em, `SELECT count(*) AS n FROM ${storage.table} r WHERE ${where}`, params))[0]?.n ?? 0);
  // Without a filter the tenant's kept count is the answer (exact: it changes in the same transactions).
  const count = async () => (!filter && counted ? ((await resourceCount(em, tenantId, counted)) ?? countRows()) : countRows());
  if (query.count === 0) return { total: await count(), rows: [] };
  const direction = query.sortOrder === 'descending' ? 'DESC' : 'ASC';
  const sortBy = query.sortBy ? sortExpression(query.sortBy, storage, dialect) : undefined;
  // Unassigned values sort last in both directions, on both dialects (their NULL orders differ).
  const order = sortBy ? `(${sortBy}) IS NULL, ${sortBy} ${direction}, r.created_at ${direction}, r.id ${direction}` : 'r.created_at ASC, r.id ASC';
  const offset = options.after ? 0 : query.startIndex - 1;
  // Walks in the default order resume from where the previous page ended (page-positions.ts).
  const positionKey = (startIndex: number) => (sortBy ? undefined : `${storage.table}|${where}|${JSON.stringify(params)}|${startIndex}`);
  const resumeAt = options.after ?? (offset > 0 ? pagePositions.get(positionKey(query.startIndex) ?? '') : undefined);
  const page = async (select: string) =>
    resumeAt
      ? runSql(em, `SELECT ${select} FROM ${storage.table} r WHERE ${where} AND (r.created_at, r.id) > (?, ?) ORDER BY ${order} LIMIT ?`, [
          ...params,
          resumeAt.createdAt,
          resumeAt.id,
          limit,
        ])
      : runSql(em, `SELECT ${select} FROM ${storage.table} r WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, [...params, limit, offset]);
  // Cursor pages read one row more than they return, to know whether there is a next page.
  const limit = options.after !== undefined || options.lookAhead ? query.count + 1 : query.count;
  const totalFor = async (found: number) =>
    !resumeAt && found > 0 && found < query.count ? offset + found : !resumeAt && offset === 0 && found === 0 ? 0 : count();
  const remember = (rows: Record<string, unknown>[]) => {
    const last = rows[rows.length - 1];
    const key = limit === query.count ? positionKey(query.startIndex + rows.length) : undefined; // index paging only
    if (last && key) pagePositions.remember(key, { createdAt: last.created_at, id: String(last.id) });
  };
  // Nothing to skip (the first page, or a resumed walk): one statement reads the rows themselves.
  if (offset === 0 || resumeAt) {
    const rows = await page(columns);
    remember(rows);
    return { total: await totalFor(rows.length), rows };
  }
  const keys = await page('r.id AS id, r.created_at AS created_at');
  remember(keys);
  const ids = keys.map((row) => String(row.id));
  const total = await totalFor(ids.length);
  if (!ids.length) return { total, rows: [] };
  const rows = await runSql(em, `SELECT ${columns} FROM ${storage.table} r WHERE r.tenant_id = ? AND r.id IN (${ids.map(() => '?').join(', ')})`, [
    tenantId,
    ...ids,
  ]);
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  return { total, rows: ids.map((id) => byId.get(id)).filter((row): row is Record<string, unknown> => !!row) };
}

type ResourceClass<T> = new (...args: never[]) => T;

/** One resource of a tenant; `forUpdate` locks the row on PostgreSQL (SQLite serialises writers anyway). */
export async function findResource<T extends ScimResourceEntity>(
  em: EntityManager,
  entity: ResourceClass<T>,
  tenantId: string,
  id: string,
  forUpdate: boolean,
): Promise<T | null> {
  if (!isUuid(id)) return null;
  const lock = forUpdate && dialectOf(em) === 'postgresql' ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {};
  return (await em.findOne(entity as never, { tenantId, id: id.toLowerCase() } as never, lock)) as T | null;
}

/** A page of a tenant's resources: ids selected and ordered in SQL, then loaded by primary key. */
export async function listResources<T extends ScimResourceEntity>(
  em: EntityManager,
  entity: ResourceClass<T>,
  storage: ResourceStorage,
  tenantId: string,
  query: ListQuery,
  counted?: CountedResource,
  cursor?: { after?: PagePosition },
): Promise<{ total: number; items: T[]; next?: PagePosition }> {
  const read = await queryPageRows(
    em,
    storage,
    tenantId,
    query,
    'r.id AS id, r.created_at AS created_at',
    counted,
    cursor ? { after: cursor.after, lookAhead: true } : {},
  );
  const { rows, next } = cursor ? splitCursorPage(read.rows, query.count) : { rows: read.rows, next: undefined };
  const ids = rows.map((row) => String(row.id));
  if (!ids.length) return { total: read.total, items: [], next };
  const found = (await em.find(entity as never, { tenantId, id: { $in: ids } } as never)) as T[];
  const byId = new Map(found.map((item) => [item.id, item]));
  return { total: read.total, items: ids.map((id) => byId.get(id)).filter((item): item is T => !!item), next };
}

/** A cursor page read with one row of look-ahead: the rows to return, and where the next page starts. */
export function splitCursorPage<T extends Record<string, unknown>>(rows: T[], count: number): { rows: T[]; next?: PagePosition } {
  if (rows.length <= count) return { rows };
  const page = rows.slice(0, count);
  const last = page[page.length - 1];
  return { rows: page, next: last ? { createdAt: last.created_at, id: String(last.id) } : undefined };
}
