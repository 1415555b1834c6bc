import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseConfig } from '@roster/config';

export type Dialect = 'sqlite' | 'postgresql';

/** The dialects this run covers: SQLite always, PostgreSQL when global-setup found it. */
export function dialects(): Dialect[] {
  return process.env.ROSTER_TEST_PG_URL ? ['sqlite', 'postgresql'] : ['sqlite'];
}

/** For describe.each: PostgreSQL shows up as a visibly skipped test when it is not available. */
export function reportSkippedPostgres(): void {
  if (!process.env.ROSTER_TEST_PG_URL) {
    test.skip('PostgreSQL variant SKIPPED: no PostgreSQL reachable (set ROSTER_TEST_PG_URL)', () => undefined);
  }
}

export interface TestDatabase {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** A fresh, empty database: a new SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-test-'));
    return { config: { dialect, path: join(dir, 'roster.db') }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.ROSTER_TEST_PG_URL!;
  const name = `roster_test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    config: { dialect, url: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
