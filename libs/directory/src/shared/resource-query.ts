import { LockMode, type EntityManager } from '@mikro-orm/core';
import { isUuid } from './ids';
import type { ScimResourceEntity } from './scim-resource.entity';
import { runSql } from './sql';
import { filterToSql, sortExpression, type Dialect, type ListQuery, type ResourceStorage } from '@roster/scim-core';

export interface PageOfIds {
  total: number;
  ids: string[];
}

export function dialectOf(em: EntityManager): Dialect {
  return em.getPlatform().constructor.name.toLowerCase().includes('postgre') ? 'postgresql' : 'sqlite';
}

/**
 * Runs a SCIM list query in the database: tenant scope, compiled filter, stable order, paging.
 * The filter fragment is always parenthesised and ANDed after the tenant condition, so an OR in a
 * client filter can never widen the scope beyond the tenant.
 */
export async function queryPage(em: EntityManager, storage: ResourceStorage, tenantId: string, query: ListQuery): Promise<PageOfIds> {
  const dialect = dialectOf(em);
  const filter = query.filter ? filterToSql(query.filter, storage, dialect) : undefined;
  const where = `r.tenant_id = ?${filter ? ` AND (${filter.sql})` : ''}`;
  const params = [tenantId, ...(filter?.params ?? [])];
  const countRows = await runSql<{ n: number | string }>(em, `SELECT count(*) AS n FROM ${storage.table} r WHERE ${where}`, params);
  const total = Number(countRows[0]?.n ?? 0);
  if (query.count === 0 || total < query.startIndex) return { total, ids: [] };
  const direction = query.sortOrder === 'descending' ? 'DESC' : 'ASC';
  const sortBy = query.sortBy ? sortExpression(query.sortBy, storage, dialect) : undefined;
  // Unassigned values sort last in both directions, on both dialects (their NULL orders differ).
  const order = sortBy
    ? `(${sortBy}) IS NULL, ${sortBy} ${direction}, r.created_at ${direction}, r.id ${direction}`
    : 'r.created_at ASC, r.id ASC';
  const rows = await runSql<{ id: string }>(
    em,
    `SELECT r.id AS id FROM ${storage.table} r WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
    [...params, query.count, query.startIndex - 1],
  );
  return { total, ids: rows.map((row) => row.id) };
}

type ResourceClass<T> = new (...args: never[]) => T;

/** One resource of a tenant; `forUpdate` locks the row on PostgreSQL (SQLite serialises writers anyway). */
export async function findResource<T extends ScimResourceEntity>(em: EntityManager, entity: ResourceClass<T>, tenantId: string, id: string, forUpdate: boolean): Promise<T | null> {
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
): Promise<{ total: number; items: T[] }> {
  const page = await queryPage(em, storage, tenantId, query);
  if (!page.ids.length) return { total: page.total, items: [] };
  const found = (await em.find(entity as never, { tenantId, id: { $in: page.ids } } as never)) as T[];
  const byId = new Map(found.map((item) => [item.id, item]));
  return { total: page.total, items: page.ids.map((id) => byId.get(id)).filter((item): item is T => !!item) };
}
