import { OptimisticLockError, TransactionPropagation, type EntityManager } from '@mikro-orm/core';
import { dialectOf, runSql, runSqlWrite } from './sql';

/** One SQL statement and its bound parameters ("?" placeholders). */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

export interface WriteAllOptions {
  /**
   * The first statement is an update that checks the version the caller read: when it changes no row,
   * another writer got there first, nothing is written and an OptimisticLockError is thrown.
   */
  firstMustChange?: boolean;
}

// PostgreSQL's SQLSTATE for a division by zero: how a guarded statement refuses to complete (below).
const DIVISION_BY_ZERO = '22012';

/**
 * Writes statements together or not at all, in as few round trips as the database allows, and returns
 * how many rows the first one changed.
 *
 * PostgreSQL gets them as one statement, each in a data-modifying WITH clause: one statement is atomic
 * on its own, so outside a transaction a write needs no BEGIN and no COMMIT, and inside one the writes
 * cost one round trip instead of one each. The clauses share one snapshot and none sees another's rows,
 * so statements must not depend on each other (no two of them touch the same row). SQLite runs them one
 * by one (each is a direct call into the embedded engine) inside the caller's transaction, or in one of
 * their own.
 */
export async function writeAll(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions = {}): Promise<number> {
  if (!statements.length) return 0;
  return dialectOf(em) === 'postgresql' ? writeAsOneStatement(em, statements, options) : writeOneByOne(em, statements, options);
}

async function writeAsOneStatement(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions): Promise<number> {
  if (statements.length === 1 && !options.firstMustChange) return runSqlWrite(em, statements[0].sql, statements[0].params);
  const clauses = statements.map((statement, i) => `w${i} AS (${statement.sql}${i === 0 ? ' RETURNING 1' : ''})`);
  // A guarded write divides by the number of rows the first clause changed: when that is zero, the
  // statement fails, and PostgreSQL undoes every clause of it — with or without a transaction around it.
  const result = options.firstMustChange ? '1 / count(*)' : 'count(*)';
  try {
    const rows = await runSql<{ n: number | string }>(
      em,
      `WITH ${clauses.join(', ')} SELECT ${result} AS n FROM w0`,
      statements.flatMap((s) => s.params),
    );
    return Number(rows[0].n);
  } catch (error) {
    if (options.firstMustChange && (error as { code?: unknown }).code === DIVISION_BY_ZERO) throw staleWrite();
    throw error;
  }
}

async function writeOneByOne(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions): Promise<number> {
  const run = async (transaction: EntityManager) => {
    let first = 0;
    for (const [i, statement] of statements.entries()) {
      const changed = await runSqlWrite(transaction, statement.sql, statement.params);
      if (i > 0) continue;
      // Thrown inside the transaction, so that it rolls back.
      if (!changed && options.firstMustChange) throw staleWrite();
      first = changed;
    }
    return first;
  };
  // REQUIRED: inside the caller's transaction when there is one (the default would open a savepoint).
  return em.transactional(run, { propagation: TransactionPropagation.REQUIRED });
}

function staleWrite(): OptimisticLockError {
  return new OptimisticLockError('The resource changed after it was read');
}
