import { createHash } from 'node:crypto';
import { DriverException, type EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { CompiledQuery } from 'kysely';
import type { Pool } from 'pg';
import { logStatement, nativeSqlite, numberPlaceholders } from '@roster/platform';
import type { Dialect } from '@roster/scim-core';

/**
 * Raw SQL inside the caller's transaction (when it has one), so reads see its own writes.
 *
 * `prepared`: on PostgreSQL, outside a transaction, the statement is prepared once per connection and then
 * only bound and run. Parsing and planning a page of a walk, or a write, cost PostgreSQL about as much as
 * running it. Only for a text from a fixed set (never one whose shape a client's filter chooses, but for the
 * lookups identity providers make: isLookupShape): each connection keeps every statement it prepared, and a
 * prepared statement may be planned once for all parameter values.
 */
export async function runSql<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
  options: { prepared?: boolean } = {},
): Promise<T[]> {
  return (await execute(em, sql, params, 'all', options.prepared)).rows as T[];
}

export async function runSqlWrite(em: EntityManager, sql: string, params: unknown[] = [], options: { prepared?: boolean } = {}): Promise<number> {
  return Number((await execute(em, sql, params, 'run', options.prepared)).numAffectedRows ?? 0);
}

/**
 * Hand-written SQL runs with its parameters bound (on SQLite's native handle, on PostgreSQL's pool, or
 * through Kysely in a transaction), not through the ORM's `execute`, which inlines every value into the
 * text: with bound parameters the text repeats, so SQLite reuses its prepared statement and PostgreSQL
 * receives the same query shape every time. With ROSTER_SQL_DEBUG each statement is logged through the
 * ORM's logger as well, and runs the same way (the ORM's inlining wrote an array parameter as a list,
 * which `= ANY(?)` cannot take).
 */
async function execute(
  em: EntityManager,
  sql: string,
  params: unknown[],
  method: 'all' | 'run',
  prepared = false,
): Promise<{ rows: unknown[]; numAffectedRows?: bigint | number }> {
  const started = Date.now();
  try {
    const result = await executeBound(em, sql, params, method, prepared);
    logStatement(em.config, sql, params, started, result.rows.length);
    return result;
  } catch (error) {
    logStatement(em.config, sql, params, started);
    // Raw statements bypass the ORM's error translation.
    throw translateSqlError(em, error);
  }
}

async function executeBound(
  em: EntityManager,
  sql: string,
  params: unknown[],
  method: 'all' | 'run',
  prepared: boolean,
): Promise<{ rows: unknown[]; numAffectedRows?: bigint | number }> {
  // Outside a transaction, reads may use the read connection (SQLite: a WAL reader beside the writer).
  const inTransaction = !!em.getTransactionContext();
  const readOnly = !inTransaction && /^\s*select\b/i.test(sql);
  // SQLite: a transaction's statements, and reads on the read connection, run on the native handle
  // directly (synchronous, already serialised); autocommit writes queue through Kysely like the ORM's.
  const native = inTransaction || readOnly ? nativeSqlite(em.getDriver().getConnection(readOnly ? 'read' : 'write')) : undefined;
  if (native) {
    const statement = native.prepare(sql);
    return statement.reader ? { rows: statement.all(params) } : { rows: [], numAffectedRows: statement.run(params).changes };
  }
  if (!inTransaction && isPostgres(em)) {
    const text = numberPlaceholders(sql);
    const pool = await postgresPool(em);
    const result = prepared && preparing ? await queryPrepared(pool, text, params) : await pool.query(text, params);
    return { rows: result.rows, numAffectedRows: result.rowCount ?? 0 };
  }
  const kysely = (em as SqlEntityManager).getKysely(readOnly ? { type: 'read' } : {});
  const text = isPostgres(em) ? numberPlaceholders(sql) : sql;
  const result = await kysely.executeQuery(CompiledQuery.raw(text, params));
  return { rows: result.rows as unknown[], numAffectedRows: result.numAffectedRows };
}

/**
 * `LIMIT n` with the number in the statement's text, for a number this code computed or validated (never text a
 * client sent). SQLite (3.47 and later) plans with the value bound to a LIMIT and marks the statement to be
 * compiled again whenever that parameter is bound, so a bound LIMIT compiled the statement on every run: a
 * `userName eq` lookup took 34 µs instead of 6. Each distinct limit is its own text (and its own cached
 * statement); callers use a few.
 */
export function limitClause(rows: number): string {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`a LIMIT is a non-negative integer, not ${rows}`);
  return `LIMIT ${rows}`;
}

/**
 * SQLite: reads the rows of a SELECT one by one, in order, and stops after the first row for which `more`
 * answers false (that row included), so that the database never produces the rest. Undefined where rows
 * cannot be read that way (PostgreSQL): the caller says it in SQL.
 */
export function readSqliteRowsWhile(
  em: EntityManager,
  sql: string,
  params: unknown[],
  more: (row: Record<string, unknown>) => boolean,
): Record<string, unknown>[] | undefined {
  if (isPostgres(em)) return undefined;
  const inTransaction = !!em.getTransactionContext();
  const native = nativeSqlite(em.getDriver().getConnection(inTransaction ? 'write' : 'read'));
  if (!native) return undefined;
  const rows: Record<string, unknown>[] = [];
  const started = Date.now();
  try {
    for (const row of native.prepare(sql).iterate(params) as Iterable<Record<string, unknown>>) {
      rows.push(row);
      if (!more(row)) break;
    }
  } catch (error) {
    logStatement(em.config, sql, params, started);
    throw translateSqlError(em, error);
  }
  logStatement(em.config, sql, params, started, rows.length);
  return rows;
}

/**
 * Errors of raw statements as the ORM's own statements raise them: a unique violation or a foreign-key race
 * in hand-written SQL becomes the same typed exception (and the same SCIM answer). Errors of the native
 * SQLite module may come from another realm (`instanceof Error` fails under jest's module sandbox), so
 * anything error-shaped is translated.
 */
export function translateSqlError(em: EntityManager, error: unknown): unknown {
  return error instanceof DriverException || !isErrorLike(error) ? error : em.getDriver().convertException(error);
}

/**
 * PostgreSQL statements outside a transaction (most of a provisioning flow's: lookups, a create's one
 * statement, an update's read and its one guarded write) go to the connection pool directly: one
 * checkout, one query, one release. Kysely's executor, connection provider and result mapping around the
 * same query cost about a third of its CPU in this process (docs/benchmarks.md). A transaction's
 * statements stay on the transaction's connection, through Kysely.
 */
function postgresPool(em: EntityManager): Promise<Pool> {
  const connection = em.getConnection() as unknown as { getNativeClient(): Promise<Pool> };
  let pool = pools.get(connection);
  if (!pool) {
    pool = connection.getNativeClient();
    pools.set(connection, pool);
  }
  return pool;
}

const pools = new WeakMap<object, Promise<Pool>>();

const statementNames = new Map<string, string>();

/**
 * Every connection keeps each statement it prepared for as long as it lives, so a process prepares at most
 * this many texts (a page's LIMIT is in its text, and clients choose their page sizes); later texts run
 * unprepared, as they did before preparing.
 */
export const MAX_PREPARED_TEXTS = 256;

/**
 * A prepared statement's name: the same for the same text in every process, distinct for distinct texts;
 * undefined once MAX_PREPARED_TEXTS texts have a name.
 */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_PREPARED_TEXTS) {
    name = `roster_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

// SQLSTATEs of a prepared statement that can no longer run as prepared: gone (a pooler such as PgBouncer in
// transaction mode hands each statement another server connection) or outdated (a table it reads changed).
const PREPARED_STATEMENT_LOST = new Set(['26000', '0A000']);
let preparing = true;

async function queryPrepared(pool: Pool, text: string, values: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> {
  const name = statementName(text);
  if (!name) return pool.query(text, values);
  try {
    return await pool.query({ name, text, values });
  } catch (error) {
    if (!PREPARED_STATEMENT_LOST.has(String((error as { code?: unknown }).code))) throw error;
    preparing = false; // for the rest of this process: the statements run as they did before preparing
    return pool.query(text, values);
  }
}

function isErrorLike(error: unknown): error is Error {
  return error instanceof Error || (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string');
}

/** Which database `em` talks to. */
export function dialectOf(em: EntityManager): Dialect {
  const platform = em.getPlatform();
  let dialect = dialects.get(platform);
  if (!dialect) {
    dialect = platform.constructor.name.toLowerCase().includes('postgre') ? 'postgresql' : 'sqlite';
    dialects.set(platform, dialect);
  }
  return dialect;
}

// Asked several times per statement (timestamps, booleans, placeholders): one answer per platform.
const dialects = new WeakMap<object, Dialect>();

function isPostgres(em: EntityManager): boolean {
  return dialectOf(em) === 'postgresql';
}

/** A timestamp as each database's columns hold it: milliseconds on SQLite (as the ORM writes them), ISO on PostgreSQL. */
export function sqlTime(em: EntityManager, date: Date): number | string {
  return isPostgres(em) ? date.toISOString() : date.getTime();
}

/** better-sqlite3 binds no booleans: 1/0 there, true/false on PostgreSQL. */
export function sqlBool(em: EntityManager, value: boolean): boolean | number {
  return isPostgres(em) ? value : value ? 1 : 0;
}

/** JSON documents: text on SQLite, jsonb on PostgreSQL (which takes the same text). */
export function sqlJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Reading back: SQLite returns JSON as text, numbers for times and 1/0 for booleans. */
export const fromSql = {
  json: <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T,
  time: (value: unknown): Date =>
    value instanceof Date ? value : new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number)),
  bool: (value: unknown): boolean => value === true || value === 1 || value === '1' || value === 't',
};

export function placeholders(items: readonly unknown[]): string {
  return items.map(() => '?').join(', ');
}
