import { OptimisticLockError, TransactionPropagation, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { nativeSqlite, type NativeSqlite, type NativeStatement } from '@roster/platform';
import { dialectOf, runSql, runSqlWrite, translateSqlError } from './sql';

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
  /**
   * What the first statement returns of the row it wrote (a RETURNING list over its table, with its own
   * parameters), so that what a response needs besides the row itself (a user's groups, say) comes back
   * with the write instead of costing a statement of its own. The first statement must then write one row.
   */
  returning?: SqlStatement;
}

/** How many rows the first statement changed, and what it returned of the first of them (`returning`). */
export interface WriteOutcome {
  changed: number;
  returned?: Record<string, unknown>;
}

// PostgreSQL's SQLSTATE for a division by zero: how a guarded statement refuses to complete (below).
const DIVISION_BY_ZERO = '22012';
// The column of the combined statement that counts the first statement's rows, beside what it returned.
const CHANGED = 'written_rows';

/**
 * Writes statements together or not at all, in as few round trips as the database allows.
 *
 * PostgreSQL gets them as one statement, each in a data-modifying WITH clause: one statement is atomic
 * on its own, so outside a transaction a write needs no BEGIN and no COMMIT, and inside one the writes
 * cost one round trip instead of one each. The clauses share one snapshot and none sees another's rows,
 * so statements must not depend on each other (no two of them touch the same row). SQLite runs them one
 * by one (each is a direct call into the embedded engine) inside the caller's transaction, or in one of
 * their own.
 */
export async function writeAll(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions = {}): Promise<WriteOutcome> {
  if (!statements.length) return { changed: 0 };
  const [first, ...rest] = statements;
  const returning = options.returning;
  const all = returning ? [{ sql: `${first.sql} RETURNING ${returning.sql}`, params: [...first.params, ...returning.params] }, ...rest] : statements;
  return dialectOf(em) === 'postgresql' ? writeAsOneStatement(em, all, options) : writeOneByOne(em, all, options);
}

/**
 * The statement's text is one of the few this module composes from the code's own statements (what varies is
 * which columns changed and how many e-mail rows a user has), so PostgreSQL keeps it prepared when it runs
 * outside a transaction (sql.ts): parsing and planning such a statement cost PostgreSQL about as much as
 * running it.
 */
async function writeAsOneStatement(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions): Promise<WriteOutcome> {
  if (statements.length === 1 && !options.firstMustChange && !options.returning) {
    return { changed: await runSqlWrite(em, statements[0].sql, statements[0].params, { prepared: true }) };
  }
  const clauses = statements.map((statement, i) => `w${i} AS (${statement.sql}${i === 0 && !options.returning ? ' RETURNING 1' : ''})`);
  // A guarded write divides by the number of rows the first clause changed: when that is zero, the
  // statement fails, and PostgreSQL undoes every clause of it — with or without a transaction around it.
  // The count is a scalar beside the one row that holds what the first clause returned (or nulls).
  const count = `${options.firstMustChange ? '1 / ' : ''}(SELECT count(*) FROM w0) AS ${CHANGED}`;
  const select = options.returning ? `SELECT ${count}, w0.* FROM (SELECT 1) AS one LEFT JOIN w0 ON true LIMIT 1` : `SELECT ${count}`;
  try {
    const [row] = await runSql(
      em,
      `WITH ${clauses.join(', ')} ${select}`,
      statements.flatMap((s) => s.params),
      { prepared: true },
    );
    const { [CHANGED]: changed, ...returned } = row;
    const outcome: WriteOutcome = { changed: Number(changed) };
    if (options.returning && outcome.changed) outcome.returned = returned;
    return outcome;
  } catch (error) {
    if (options.firstMustChange && (error as { code?: unknown }).code === DIVISION_BY_ZERO) throw staleWrite();
    throw error;
  }
}

/** Runs statements of a write, each at once, on one connection: through the ORM, or on SQLite's handle. */
interface StatementRunner {
  all(statement: SqlStatement): Promise<Record<string, unknown>[]> | Record<string, unknown>[];
  run(statement: SqlStatement): Promise<number> | number;
}

async function writeOneByOne(em: EntityManager, statements: SqlStatement[], options: WriteAllOptions): Promise<WriteOutcome> {
  const native = em.getTransactionContext() || em.config.get('debug') ? undefined : nativeSqlite(em.getDriver().getConnection('write'));
  if (native) return writeInOwnTransaction(em, native, statements, options);
  // REQUIRED: inside the caller's transaction when there is one (the default would open a savepoint).
  return em.transactional((transaction) => runStatements(ormRunner(transaction), statements, options), {
    propagation: TransactionPropagation.REQUIRED,
  });
}

/**
 * A write with no transaction around it (most of a provisioning flow's) opens one of its own on the write
 * connection's Kysely instance, the one under the ORM's transactions, so it takes its turn and joins a
 * commit group like any of them (sqlite-group-commit.ts), and runs its statements on the native handle.
 * What it skips is the ORM's transaction machinery (a forked entity manager, its unit of work, transaction
 * events), which nothing here uses: this path writes no entities and records no events.
 */
async function writeInOwnTransaction(em: EntityManager, native: NativeSqlite, statements: SqlStatement[], options: WriteAllOptions): Promise<WriteOutcome> {
  const translated = <T>(statement: SqlStatement, call: (prepared: NativeStatement) => T): T => {
    try {
      return call(native.prepare(statement.sql));
    } catch (error) {
      throw translateSqlError(em, error);
    }
  };
  const runner: StatementRunner = {
    all: (statement) => translated(statement, (prepared) => prepared.all(statement.params) as Record<string, unknown>[]),
    run: (statement) => translated(statement, (prepared) => prepared.run(statement.params).changes),
  };
  return (em as SqlEntityManager)
    .getKysely()
    .transaction()
    .execute(() => runStatements(runner, statements, options));
}

function ormRunner(transaction: EntityManager): StatementRunner {
  return {
    all: (statement) => runSql(transaction, statement.sql, statement.params),
    run: (statement) => runSqlWrite(transaction, statement.sql, statement.params),
  };
}

async function runStatements(runner: StatementRunner, statements: SqlStatement[], options: WriteAllOptions): Promise<WriteOutcome> {
  const [first, ...rest] = statements;
  let outcome: WriteOutcome;
  if (options.returning) {
    const rows = await runner.all(first);
    outcome = { changed: rows.length, returned: rows[0] };
  } else {
    outcome = { changed: await runner.run(first) };
  }
  // Thrown inside the transaction, so that it rolls back.
  if (!outcome.changed && options.firstMustChange) throw staleWrite();
  for (const statement of rest) await runner.run(statement);
  return outcome;
}

function staleWrite(): OptimisticLockError {
  return new OptimisticLockError('The resource changed after it was read');
}
