import type { EntityManager } from '@mikro-orm/core';

/** Raw SQL inside the caller's transaction (when it has one), so reads see its own writes. */
export async function runSql<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await em.getConnection().execute(sql, params, 'all', em.getTransactionContext())) as T[];
}

export async function runSqlWrite(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const result = await em.getConnection().execute(sql, params, 'run', em.getTransactionContext());
  return Number((result as { affectedRows?: number }).affectedRows ?? 0);
}
