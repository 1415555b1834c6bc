import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { HEAVY_READ_DATABASE } from './heavy-reads';
import type { DatabaseConfig } from '@roster/config';

// How many rows this process inserts or deletes before it asks whether PostgreSQL's statistics are stale.
const CHECK_EVERY_ROWS = 1000;
const RECHECK_MS = 1500;

let pending = 0;
let sink: (() => void) | undefined;

/**
 * Notes rows of resource tables this process inserted or deleted (a user or group created or deleted);
 * PlannerStatistics decides when that is worth a look at the database's statistics.
 */
export function noteRowChanges(rows: number): void {
  pending += rows;
  if (pending >= CHECK_EVERY_ROWS) sink?.();
}

/**
 * Keeps PostgreSQL's planner statistics in step with large imports. The planner estimates how many rows a
 * condition finds from statistics ANALYZE gathers, which autovacuum runs, if it is on, up to a minute after
 * a table changed by a tenth. In between, or without it, a walk of a tenant just imported looked like four
 * rows to the planner, which then read and sorted the whole rest of the tenant for every page (30 ms a page
 * of 100 over 10,000 users, instead of 2). So after every CHECK_EVERY_ROWS rows this process inserted or
 * deleted, it analyzes the tables whose rows changed by more than a tenth (and 500) since their last analysis.
 * SQLite plans from fixed statistics instead (the planner statistics migration).
 */
@Injectable()
export class PlannerStatistics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PlannerStatistics');
  private running?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private readonly check = () => {
    if (this.running) return;
    clearTimeout(this.retry);
    this.running = this.analyzeStale()
      .then((analyzed) => {
        if (analyzed.length) pending = 0;
        // PostgreSQL's activity counters lag the writes by up to a second: look again shortly.
        else this.retry = setTimeout(this.check, RECHECK_MS).unref();
      })
      .catch((error: unknown) => this.logger.warn(`refreshing planner statistics failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
  };

  constructor(
    private readonly em: EntityManager,
    @Inject(HEAVY_READ_DATABASE) private readonly database: DatabaseConfig,
  ) {}

  onModuleInit(): void {
    if (this.database.dialect === 'postgresql') sink = this.check;
  }

  async onApplicationShutdown(): Promise<void> {
    if (sink === this.check) sink = undefined;
    clearTimeout(this.retry);
    await this.running;
  }

  /** Analyzes the tables whose rows changed by more than a tenth since their last analysis; returns them. */
  async analyzeStale(): Promise<string[]> {
    const connection = this.em.fork().getConnection();
    const stale = (await connection.execute(
      `SELECT relname FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND n_mod_since_analyze > 500 + 0.1 * greatest(n_live_tup, 0)`,
    )) as { relname: string }[];
    for (const { relname } of stale) await connection.execute(`ANALYZE "${relname.replace(/"/g, '""')}"`);
    return stale.map((row) => row.relname);
  }
}
