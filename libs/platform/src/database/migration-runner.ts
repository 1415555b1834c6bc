import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { acquireDatabaseLock, type DatabaseLock } from './database-lock';
import { applySqlitePragmas } from './sqlite-pragmas';

// Arbitrary but fixed: the same key in every Roster process.
const MIGRATION_LOCK: DatabaseLock = { pgKey: 7_461_027_331, fileSuffix: '.migrate-lock' };

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
    const release = await acquireDatabaseLock(this.config.database, MIGRATION_LOCK, true);
    try {
      return await work();
    } finally {
      await release();
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
