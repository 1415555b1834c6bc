import type { MikroORM } from '@mikro-orm/core';

// WAL + synchronous=NORMAL: about 4x more small transactions per second than the rollback journal, and
// readers that never wait for the writer. Both are properties of the database file, set once.
const FILE_PRAGMAS = ['pragma journal_mode = wal', 'pragma synchronous = normal'];

/**
 * Settings of each connection (the write connection and the read connection). case_sensitive_like makes
 * LIKE behave as on PostgreSQL, so caseExact filters agree on both dialects (case-insensitive ones
 * compare lower-cased shadow columns). The busy timeout is short on purpose: better-sqlite3 waits
 * synchronously, freezing every request meanwhile; transactions wait for the write lock on timers
 * instead (sqlite-immediate.ts), so this covers single statements only.
 *
 * temp_store = memory keeps SQLite's temporary files in memory, among them the savepoint journal: group
 * commit runs every write transaction in a savepoint (sqlite-group-commit.ts), and SQLite keeps the
 * original of each page a savepoint changes so that it can roll back to it. On disk that journal was a
 * file created, written page by page and unlinked for nearly every group: half of the server's page
 * writes under Okta's workload (docs/benchmarks.md). It holds one group's pages at most, so it stays small.
 */
export const CONNECTION_PRAGMAS = ['pragma foreign_keys = on', 'pragma busy_timeout = 50', 'pragma case_sensitive_like = on', 'pragma temp_store = memory'];

export async function applySqlitePragmas(orm: MikroORM): Promise<void> {
  const connection = orm.em.getConnection();
  for (const pragma of [...FILE_PRAGMAS, ...CONNECTION_PRAGMAS]) await connection.execute(pragma);
}
