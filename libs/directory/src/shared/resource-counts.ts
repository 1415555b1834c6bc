import type { EntityManager } from '@mikro-orm/core';
import { noteRowChanges } from '@roster/platform';
import { runSql, runSqlWrite } from './sql';
import type { SqlStatement } from './write-all';

export type CountedResource = 'User' | 'Group';

const TABLE_OF: Record<CountedResource, string> = { User: 'users', Group: 'groups' };

/**
 * A tenant's count of a type is the sum of this many rows, and each change adds to one of them, picked at
 * random. With one row, concurrent creates of a tenant queued on its lock: each waited until the create
 * before it had committed (PostgreSQL, five group creates at once: their count's statement took 0.1, 1.6,
 * then 9.3 ms). Reading the count sums at most this many rows of the same key.
 */
export const COUNT_SLOTS = 16;

// The sum of the slots; NULL (not 0) when the tenant's count was never kept.
const KEPT_COUNT_SQL = 'SELECT sum(count) AS count FROM resource_counts WHERE tenant_id = ? AND resource_type = ?';

/** In the caller's transaction: a create adds one, a delete takes one away. */
export async function adjustResourceCount(em: EntityManager, tenantId: string, type: CountedResource, delta: number): Promise<void> {
  const { sql, params } = resourceCountChange(tenantId, type, delta);
  await runSqlWrite(em, sql, params);
}

/**
 * The statement that adds `delta` to the tenant's count, to be written with the change it counts. Every
 * created or deleted resource passes here, so it is also where the planner's statistics hear of it.
 */
export function resourceCountChange(tenantId: string, type: CountedResource, delta: number): SqlStatement {
  noteRowChanges(TABLE_OF[type], Math.abs(delta));
  return {
    sql: `INSERT INTO resource_counts (tenant_id, resource_type, slot, count) VALUES (?, ?, ?, ?)
     ON CONFLICT (tenant_id, resource_type, slot) DO UPDATE SET count = resource_counts.count + excluded.count`,
    params: [tenantId, type, Math.floor(Math.random() * COUNT_SLOTS), delta],
  };
}

/** The tenant's number of resources of a type, or undefined when it was never counted. */
export async function resourceCount(em: EntityManager, tenantId: string, type: CountedResource): Promise<number | undefined> {
  const [{ count }] = await runSql<{ count: number | string | null }>(em, KEPT_COUNT_SQL, [tenantId, type], { prepared: true });
  return count === null ? undefined : Number(count);
}

/**
 * The tenant's kept count as an expression for another statement's columns, with its parameters: what a
 * page of an unfiltered list reads beside its rows instead of asking in a statement of its own. NULL when
 * never counted.
 */
export function keptCountExpression(tenantId: string, type: CountedResource): SqlStatement {
  return { sql: `(${KEPT_COUNT_SQL})`, params: [tenantId, type] };
}

/** The tenant's resources of a type as its rows say (a count over the tenant's index, not the kept figure). */
export async function countedRows(em: EntityManager, tenantId: string, type: CountedResource): Promise<number> {
  const rows = await runSql<{ n: number | string }>(em, `SELECT count(*) AS n FROM ${TABLE_OF[type]} WHERE tenant_id = ?`, [tenantId]);
  return Number(rows[0].n);
}

/**
 * Corrects the kept count by what the rows say, in one statement: it adds the difference between the rows and
 * the slots, both read in the statement's one snapshot, so a create or delete committed meanwhile (which
 * changes a row and a slot together) is neither lost nor counted twice.
 */
export async function recountResources(em: EntityManager, tenantId: string, type: CountedResource): Promise<void> {
  await runSqlWrite(
    em,
    `INSERT INTO resource_counts (tenant_id, resource_type, slot, count)
     VALUES (?, ?, 0, (SELECT count(*) FROM ${TABLE_OF[type]} WHERE tenant_id = ?) - coalesce((${KEPT_COUNT_SQL}), 0))
     ON CONFLICT (tenant_id, resource_type, slot) DO UPDATE SET count = resource_counts.count + excluded.count`,
    [tenantId, type, tenantId, tenantId, type],
  );
}
