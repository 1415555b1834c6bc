import type { EntityManager } from '@mikro-orm/core';
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
