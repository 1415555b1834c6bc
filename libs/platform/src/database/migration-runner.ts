import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { Client } from 'pg';
import { acquireLockFile } from './lock-file';
import { applySqlitePragmas } from './sqlite-pragmas';

// Arbitrary but fixed: the same key in every Roster process.
const MIGRATION_LOCK_KEY = 7_461_027_331;

/** Brings the database to the current schema at startup (/health reports ready only afterwards). */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger(MigrationRunner.name);
  private state: 'pending' | 'running' | 'ready' | 'failed' = 'pending';
  private running?: Promise<void>;

  constructor(
    private readonly orm: MikroORM,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Connection pragmas for every process that opens the database (server, CLI, nightly job). */
  async onModuleInit(): Promise<void> {
    if (this.config.database.dialect === 'sqlite') await applySqlitePragmas(this.orm);
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  run(): Promise<void> {
    this.running ??= this.migrate();
    return this.running;
  }

  private async migrate(): Promise<void> {
    this.state = 'running';
    try {
      const applied = await this.withMigrationLock(() => this.orm.migrator.up());
      this.logger.log(`Database ready (${this.config.database.dialect}); ${applied.length} migration(s) applied`);
      this.state = 'ready';
    } catch (error) {
      this.state = 'failed';
      throw error;
    }
  }

  // Several processes (replicas, or the CLI next to a server) may start at once on one database: one
  // migrates while the others wait — a session-level advisory lock on PostgreSQL, a lock file beside a
  // SQLite database (SQLite has no advisory locks, and the migrator's own writes must not be blocked).
  private async withMigrationLock<T>(work: () => Promise<T>): Promise<T> {
    const database = this.config.database;
    if (database.dialect === 'sqlite') {
      if (database.path === ':memory:') return work();
      const release = await acquireLockFile(`${database.path}.migrate-lock`);
      try {
        return await work();
      } finally {
        release();
      }
    }
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await client.end();
    }
  }

  /** A cheap round trip, used by /health. */
  async ping(): Promise<boolean> {
    try {
      await this.orm.em.getConnection().execute('select 1');
      return true;
    } catch {
      return false;
    }
  }
}
