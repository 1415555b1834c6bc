import type { MikroORM } from '@mikro-orm/core';

// WAL + synchronous=NORMAL: about 4x more small transactions per second than the rollback journal
// (docs/stack.md); case_sensitive_like makes LIKE behave as on PostgreSQL, so caseExact filters agree
// on both dialects (case-insensitive ones compare lower-cased shadow columns).
const PRAGMAS = [
  'pragma journal_mode = wal',
  'pragma synchronous = normal',
  'pragma foreign_keys = on',
  // Short on purpose: better-sqlite3 waits synchronously, freezing every request meanwhile. Transactions
  // wait for the write lock on timers instead (sqlite-immediate.ts); this covers single statements.
  'pragma busy_timeout = 50',
  'pragma case_sensitive_like = on',
];

export async function applySqlitePragmas(orm: MikroORM): Promise<void> {
  const connection = orm.em.getConnection();
  for (const pragma of PRAGMAS) await connection.execute(pragma);
}
