import type { EntityManager } from '@mikro-orm/core';
import { dialectOf, runSql, runSqlWrite } from './sql';

/** One SQL statement and its bound parameters ("?" placeholders). */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * Writes statements together or not at all, in as few round trips as the database allows, and returns
 * how many rows the first one changed (an update's version check).
 *
 * PostgreSQL gets them as one statement, each in a data-modifying WITH clause: one statement is atomic
 * on its own, so outside a transaction a create needs no BEGIN and no COMMIT, and inside one the writes
 * cost one round trip instead of one each. The clauses share one snapshot and none sees another's rows,
 * so statements must not depend on each other (no two of them touch the same row) and, outside a
 * transaction, the first one must not be allowed to change nothing (there is no rollback to undo the
 * others). SQLite runs them one by one — each is a direct call into the embedded engine — inside the
 * caller's transaction, or in one of their own.
 */
export async function writeAll(em: EntityManager, statements: SqlStatement[]): Promise<number> {
  if (!statements.length) return 0;
  if (dialectOf(em) === 'postgresql') {
    if (statements.length === 1) return runSqlWrite(em, statements[0].sql, statements[0].params);
    const clauses = statements.map((statement, i) => `w${i} AS (${statement.sql}${i === 0 ? ' RETURNING 1' : ''})`);
    const rows = await runSql<{ n: number | string }>(
      em,
      `WITH ${clauses.join(', ')} SELECT count(*) AS n FROM w0`,
      statements.flatMap((s) => s.params),
    );
    return Number(rows[0].n);
  }
  const run = async (transaction: EntityManager) => {
    let first = 0;
    for (const [i, statement] of statements.entries()) {
      const changed = await runSqlWrite(transaction, statement.sql, statement.params);
      if (i === 0) first = changed;
    }
    return first;
  };
  return em.getTransactionContext() ? run(em) : em.transactional(run);
}
