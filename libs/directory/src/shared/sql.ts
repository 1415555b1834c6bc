import { DriverException, type EntityManager } from '@mikro-orm/core';

/** Raw SQL inside the caller's transaction (when it has one), so reads see its own writes. */
export async function runSql<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await execute(em, sql, params, 'all')) as T[];
}

export async function runSqlWrite(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const result = await execute(em, sql, params, 'run');
  return Number((result as { affectedRows?: number }).affectedRows ?? 0);
}

// Raw statements bypass the ORM's error translation: translate here, so a foreign-key race or a unique
// violation in set-based SQL is the same typed exception (and the same SCIM answer) as from the ORM.
async function execute(em: EntityManager, sql: string, params: unknown[], method: 'all' | 'run'): Promise<unknown> {
  try {
    return await em.getConnection().execute(sql, params, method, em.getTransactionContext());
  } catch (error) {
    throw error instanceof DriverException || !(error instanceof Error) ? error : em.getDriver().convertException(error);
  }
}
