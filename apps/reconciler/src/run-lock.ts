import { Client } from 'pg';
import type { DatabaseConfig } from '@roster/config';
import { tryAcquireLockFile } from '@roster/platform';

// The advisory lock's key: any 64-bit number no other Roster lock uses.
const NIGHTLY_LOCK_KEY = 7_202_612_010;

/**
 * One nightly run at a time per database. PostgreSQL: a session advisory lock on a connection of its own,
 * released by the server when the process dies, however it dies. SQLite: a lock file beside the database
 * that records its holder, so one left by a killed run is taken over. Undefined when another run holds it.
 */
export async function acquireRunLock(database: DatabaseConfig): Promise<(() => Promise<void>) | undefined> {
  if (database.dialect === 'sqlite') {
    if (database.path === ':memory:') return async () => undefined;
    const release = tryAcquireLockFile(`${database.path}.nightly.lock`);
    return release && (async () => release());
  }
  const client = new Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [NIGHTLY_LOCK_KEY]);
  if (!rows[0].locked) {
    await client.end();
    return undefined;
  }
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [NIGHTLY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  };
}
