import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type DatabaseConnection, type Dialect } from 'kysely';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import type { Configuration } from '@mikro-orm/core';

import { BoundedMap } from '../cache/bounded-map';
import { withGroupCommit } from './sqlite-group-commit';
import { CONNECTION_PRAGMAS, installSqliteFunctions, SQLITE_WRITE_LOCK_WAIT_MS, type SqliteFunctionHost } from './sqlite-pragmas';

/**
 * SQLite opens transactions with `BEGIN IMMEDIATE`, waits for the write lock without blocking, and commits
 * the write connection's transactions in groups (sqlite-group-commit.ts).
 *
 * A plain (deferred) BEGIN takes the write lock only at the first write; when another process (the CLI,
 * the nightly job) committed in between, SQLite cannot upgrade the read snapshot and fails at once with
 * "database is locked". IMMEDIATE takes the write lock up front. better-sqlite3 is synchronous, so its
 * busy timeout would freeze the whole event loop while it waits; a serving process's busy timeout is
 * therefore short (SQLITE_BUSY_TIMEOUT_MS, sqlite-pragmas.ts) and the wait happens here, between attempts, on timers.
 */
class ImmediateTransactionConnection extends SqliteConnection {
  override createKyselyDialect(options: Record<string, unknown>): Dialect {
    const dialect = super.createKyselyDialect(options) as Dialect;
    const database = (this as unknown as { database: PreparingDatabase }).database;
    // Per-connection settings, on the write connection and the read connection alike.
    for (const pragma of CONNECTION_PRAGMAS) database.exec(pragma);
    installSqliteFunctions(database);
    cachePreparedStatements(database);
    return this.type === 'write' ? withGroupCommit(dialect, beginImmediate, () => database.inTransaction) : dialect;
  }
}

interface PreparingDatabase extends SqliteFunctionHost {
  prepare(sql: string): unknown;
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

/** A prepared better-sqlite3 statement, as far as Roster uses one. */
export interface NativeStatement {
  readonly reader: boolean;
  all(params: unknown[]): unknown[];
  iterate(params: unknown[]): IterableIterator<unknown>;
  run(params: unknown[]): { changes: number };
}

export interface NativeSqlite {
  prepare(sql: string): NativeStatement;
}

/**
 * The better-sqlite3 handle behind a connection of this driver, for statements that may skip Kysely's
 * per-statement machinery: those of a transaction (which owns the write connection until it ends) and
 * reads on the read connection (which never holds a transaction). Undefined for any other connection.
 */
export function nativeSqlite(connection: unknown): NativeSqlite | undefined {
  return connection instanceof ImmediateTransactionConnection ? (connection as unknown as { database: NativeSqlite }).database : undefined;
}

const STATEMENT_CACHE_SIZE = 256;
// A prepared statement holds memory in proportion to its text, and filters make long texts (up to a few
// tens of KB): the cache is bounded by text as well.
const STATEMENT_CACHE_TEXT = { maxBytes: 4 * 1024 * 1024, sizeOf: (sql: string) => 4 * sql.length };
// Sent on every write (and the group commit's savepoints), with no parameters: worth keeping too.
const TRANSACTION_CONTROL = /^(begin( immediate)?|commit|rollback( to \w+)?|savepoint \w+|release \w+)$/i;

/**
 * Kysely prepares every statement anew, and compiling SQL is a large share of SQLite's cost. Statements
 * with bound parameters ("?") repeat their text, so they are kept (least recently used out first) and
 * reused, and so are BEGIN, COMMIT and ROLLBACK; statements with inlined values never repeat and are
 * not kept.
 */
function cachePreparedStatements(database: PreparingDatabase): void {
  const prepare = database.prepare.bind(database);
  const cache = new BoundedMap<string, unknown>(STATEMENT_CACHE_SIZE, STATEMENT_CACHE_TEXT);
  database.prepare = (sql: string) => {
    if (!sql.includes('?') && !TRANSACTION_CONTROL.test(sql)) return prepare(sql);
    const statement = cache.get(sql) ?? prepare(sql);
    cache.set(sql, statement); // the most recently used is the last one forgotten
    return statement;
  };
}

async function beginImmediate(connection: DatabaseConnection): Promise<void> {
  const deadline = Date.now() + SQLITE_WRITE_LOCK_WAIT_MS;
  for (let pause = 5; Date.now() < deadline; pause = Math.min(pause * 2, 100)) {
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      return;
    } catch (error) {
      if (!isBusy(error)) throw error;
      await sleep(pause);
    }
  }
  // Out of time. Throwing from BEGIN would leave Kysely's connection checked out for good, so the
  // transaction starts deferred instead: its first write then fails as "database is locked", which the
  // ORM turns into a LockWaitTimeoutException (503), rolling back and releasing the connection as usual.
  await connection.executeQuery(CompiledQuery.raw('begin'));
}

function isBusy(error: unknown): boolean {
  return /database is locked|SQLITE_BUSY/i.test(String((error as Error)?.message)) || (error as { code?: string })?.code?.startsWith('SQLITE_BUSY') === true;
}

/**
 * The driver Roster uses for SQLite. Besides the write connection it opens one read connection on the same
 * file (configured as a read replica): in WAL mode readers never wait for the writer, so a GET outside a
 * transaction does not queue behind another request's write transaction. Reads inside a transaction stay
 * on the write connection and see its own writes.
 */
export class ImmediateTransactionSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    // The base class builds its connections from a class it names itself; swap in ours before first use.
    const self = this as unknown as { connection: SqliteConnection; replicas: SqliteConnection[] };
    self.connection = new ImmediateTransactionConnection(this.config);
    self.replicas = self.replicas.map((replica) => new ImmediateTransactionConnection(this.config, (replica as unknown as { options: never }).options, 'read'));
  }
}
