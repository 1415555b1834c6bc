import { Client } from 'pg';
import type { DatabaseConfig } from '@roster/config';
import { acquireLockFile, tryAcquireLockFile } from './lock-file';

/** A lock over one database, whichever process asks: a PostgreSQL advisory-lock key and a SQLite lock-file suffix. */
export interface DatabaseLock {
  pgKey: number;
  fileSuffix: string;
}

/**
 * Takes a database-wide lock: on PostgreSQL a session advisory lock on a connection of its own, which the
 * server releases however the holder dies; on SQLite (no advisory locks) a lock file beside the database
 * that records its holder, so one left by a killed process is taken over. With `wait`, waits for it;
 * without, answers undefined while another process holds it. Resolves to the release function.
 */
export function acquireDatabaseLock(database: DatabaseConfig, lock: DatabaseLock, wait: true): Promise<() => Promise<void>>;
export function acquireDatabaseLock(database: DatabaseConfig, lock: DatabaseLock, wait: false): Promise<(() => Promise<void>) | undefined>;
export async function acquireDatabaseLock(database: DatabaseConfig, lock: DatabaseLock, wait: boolean): Promise<(() => Promise<void>) | undefined> {
  if (database.dialect === 'sqlite') {
    if (database.path === ':memory:') return async () => undefined;
    const path = `${database.path}${lock.fileSuffix}`;
    const release = wait ? await acquireLockFile(path) : tryAcquireLockFile(path);
    return release && (async () => release());
  }
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    if (wait) {
      await client.query('SELECT pg_advisory_lock($1)', [lock.pgKey]);
    } else {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lock.pgKey]);
      if (!rows[0].locked) {
        await client.end();
        return undefined;
      }
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [lock.pgKey]).catch(() => undefined);
    await client.end();
  };
}
