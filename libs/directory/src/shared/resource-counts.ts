import type { EntityManager } from '@mikro-orm/core';
import { noteRowChanges } from '@roster/platform';
import { runSql, runSqlWrite } from './sql';
import type { SqlStatement } from './write-all';

export type CountedResource = 'User' | 'Group';

const TABLE_OF: Record<CountedResource, string> = { User: 'users', Group: 'groups' };

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
    sql: `INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?)
     ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + excluded.count`,
    params: [tenantId, type, delta],
  };
}

/** The tenant's number of resources of a type, or undefined when it was never counted. */
export async function resourceCount(em: EntityManager, tenantId: string, type: CountedResource): Promise<number | undefined> {
  const rows = await runSql<{ count: number | string }>(em, 'SELECT count FROM resource_counts WHERE tenant_id = ? AND resource_type = ?', [tenantId, type], {
    prepared: true,
  });
  return rows.length ? Number(rows[0].count) : undefined;
}

/**
 * The tenant's kept count as an expression for another statement's columns, with its parameters: what a
 * page of an unfiltered list reads beside its rows instead of asking in a statement of its own. NULL when
 * never counted.
 */
export function keptCountExpression(tenantId: string, type: CountedResource): SqlStatement {
  return { sql: '(SELECT count FROM resource_counts WHERE tenant_id = ? AND resource_type = ?)', params: [tenantId, type] };
}

/** The tenant's resources of a type as its rows say (a count over the tenant's index, not the kept figure). */
export async function countedRows(em: EntityManager, tenantId: string, type: CountedResource): Promise<number> {
  const rows = await runSql<{ n: number | string }>(em, `SELECT count(*) AS n FROM ${TABLE_OF[type]} WHERE tenant_id = ?`, [tenantId]);
  return Number(rows[0].n);
}

/** Sets the kept count from the rows, in one statement: a write committed meanwhile is either counted or adds itself after. */
export async function recountResources(em: EntityManager, tenantId: string, type: CountedResource): Promise<void> {
  await runSqlWrite(
    em,
    `INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, (SELECT count(*) FROM ${TABLE_OF[type]} WHERE tenant_id = ?))
     ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = excluded.count`,
    [tenantId, type, tenantId],
  );
}
