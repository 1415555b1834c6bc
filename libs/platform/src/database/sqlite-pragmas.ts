import type { MikroORM } from '@mikro-orm/core';

// WAL + synchronous=NORMAL: about 4x more small transactions per second than the rollback journal, and
// readers that never wait for the writer. Both are properties of the database file, set once.
const FILE_PRAGMAS = ['pragma journal_mode = wal', 'pragma synchronous = normal'];

/** How long a transaction waits for another process's write lock before the request gets a 503 (sqlite-immediate.ts). */
export const SQLITE_WRITE_LOCK_WAIT_MS = 5000;

/**
 * How long a single SQLite statement outside a transaction waits for another process's write lock before
 * "database is locked". better-sqlite3 waits synchronously, freezing the event loop meanwhile: a process
 * serving requests waits briefly (its transactions wait on timers instead, sqlite-immediate.ts, and a
 * statement still locked out is a 503 to retry). A batch job (the CLI, the nightly job) serves no one while
 * it waits, and the server beside it writes every second (its request log), so it waits as long as a
 * transaction would.
 */
export const SQLITE_BUSY_TIMEOUT_MS = { serving: 50, batch: SQLITE_WRITE_LOCK_WAIT_MS } as const;
export type SqliteLockWait = keyof typeof SQLITE_BUSY_TIMEOUT_MS;

/**
 * Settings of each connection (the write connection and the read connection). case_sensitive_like makes
 * LIKE behave as on PostgreSQL, so caseExact filters agree on both dialects (case-insensitive ones
 * compare lower-cased shadow columns). The busy timeout is the driver's option, set per process
 * (SQLITE_BUSY_TIMEOUT_MS above).
 *
 * temp_store = memory keeps SQLite's temporary files in memory, among them the savepoint journal: group
 * commit runs every write transaction in a savepoint (sqlite-group-commit.ts), and SQLite keeps the
 * original of each page a savepoint changes so that it can roll back to it. On disk that journal was a
 * file created, written page by page and unlinked for nearly every group: half of the server's page
 * writes under Okta's workload (docs/benchmarks.md). It holds one group's pages at most, so it stays small.
 */
export const CONNECTION_PRAGMAS = [
  'pragma foreign_keys = on',
  'pragma case_sensitive_like = on',
  'pragma temp_store = memory',
  // Reads map the file instead of copying each page through a 2 MB page cache: a search touching 1,666 users
  // of 100,000 took 18 ms with pread per page, 7 ms mapped. Pages stay the kernel's (reclaimable) cache. As
  // much as SQLite maps (its build caps this at 2 GB): a million users take 1.6 GB, and with 1 GB mapped the
  // pages past it were read one call each, a given name's 16,832 matches in 48 ms against 24 (docs/benchmarks.md).
  'pragma mmap_size = 2147418112',
];

/**
 * SQLite's own lower() folds ASCII letters only, PostgreSQL's folds every letter (under the UTF-8 locales it
 * runs with), and Roster's lower-cased shadow columns are folded by JavaScript: `name.familyName co "ørsted"`
 * found Ørsted on PostgreSQL and not on SQLite. Every SQLite connection replaces lower() with JavaScript's
 * folding (read workers install the same function in their own thread). Text only; other values as
 * SQLite's lower() gives them (a number becomes its text, NULL stays NULL).
 */
export function unicodeLower(value: unknown): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}

export interface SqliteFunctionHost {
  function(name: string, options: { deterministic: boolean }, body: (value: unknown) => unknown): unknown;
}

/** Installs Roster's SQL functions on a better-sqlite3 connection (see unicodeLower). */
export function installSqliteFunctions(database: SqliteFunctionHost): void {
  database.function('lower', { deterministic: true }, unicodeLower);
}

export async function applySqlitePragmas(orm: MikroORM): Promise<void> {
  const connection = orm.em.getConnection();
  for (const pragma of [...FILE_PRAGMAS, ...CONNECTION_PRAGMAS]) await connection.execute(pragma);
}
