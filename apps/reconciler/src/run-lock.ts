import type { DatabaseConfig } from '@roster/config';
import { acquireDatabaseLock, type DatabaseLock } from '@roster/platform';

const NIGHTLY_LOCK: DatabaseLock = { pgKey: 7_202_612_010, fileSuffix: '.nightly.lock' };

/** One nightly run at a time per database; undefined while another run holds the lock (never waits). */
export function acquireRunLock(database: DatabaseConfig): Promise<(() => Promise<void>) | undefined> {
  return acquireDatabaseLock(database, NIGHTLY_LOCK, false);
}
