import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { applySqlitePragmas } from './sqlite-pragmas';

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
      const applied = await this.orm.migrator.up();
      this.logger.log(`Database ready (${this.config.database.dialect}); ${applied.length} migration(s) applied`);
      this.state = 'ready';
    } catch (error) {
      this.state = 'failed';
      throw error;
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
