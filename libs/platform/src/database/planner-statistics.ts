import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { HEAVY_READ_DATABASE } from './heavy-reads';
import type { DatabaseConfig } from '@roster/config';

// How many rows of a table this process inserts or deletes before it asks whether PostgreSQL's statistics
// of that table are stale.
const CHECK_EVERY_ROWS = 1000;
// PostgreSQL's activity counters lag the writes (a backend reports them when idle, within about 10 s): a
// table written to but not yet seen as stale is looked at again, RECHECKS times at most.
const RECHECK_MS = 1500;
const RECHECKS = 10;
// Rows changed past which a table's statistics (and, for added or dead rows, its visibility map) are stale.
const A_TENTH = '500 + 0.1 * greatest(n_live_tup, 0)';

const pending = new Map<string, number>();
let sink: (() => void) | undefined;

/**
 * Notes rows of a resource table this process inserted or deleted (users or groups created or deleted,
 * memberships added or removed); PlannerStatistics decides when that is worth a look at the statistics.
 */
export function noteRowChanges(table: string, rows: number): void {
  if (!rows) return;
  const now = (pending.get(table) ?? 0) + rows;
  pending.set(table, now);
  if (now >= CHECK_EVERY_ROWS) sink?.();
}

/**
 * Keeps PostgreSQL's planner statistics in step with large imports. The planner estimates how many rows a
 * condition finds from statistics ANALYZE gathers, which autovacuum runs, if it is on, up to a minute after
 * a table changed by a tenth. In between, or without it, a walk of a tenant just imported looked like four
 * rows to the planner, which then read and sorted the whole rest of the tenant for every page (30 ms a page
 * of 100 over 10,000 users, instead of 2). So after every CHECK_EVERY_ROWS rows this process inserted or
 * deleted in a table, it analyzes the tables whose rows changed by more than a tenth (and 500) since their
 * last analysis (vacuuming those that mostly gained or lost rows, see analyzeStale), and looks again shortly
 * while the table it wrote to is not among them yet. A table too large for its change to matter is let go
 * after RECHECKS looks. SQLite plans from fixed statistics instead (the planner statistics migration).
 */
@Injectable()
export class PlannerStatistics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PlannerStatistics');
  private running?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private rechecks = 0;
  private readonly check = () => {
    if (this.running || this.retry) return; // a look is under way or due: it covers the new rows too
    this.running = this.analyzeStale()
      .then((analyzed) => {
        for (const table of analyzed) pending.delete(table);
        const waiting = [...pending].filter(([, rows]) => rows >= CHECK_EVERY_ROWS).map(([table]) => table);
        if (!waiting.length || this.rechecks >= RECHECKS) {
          for (const table of waiting) pending.delete(table);
          this.rechecks = 0;
          return;
        }
        this.rechecks++;
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.check();
        }, RECHECK_MS).unref();
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
    this.retry = undefined;
    await this.running;
  }

  /**
   * Refreshes the tables whose rows changed by more than a tenth since their last analysis; returns them. A
   * table that mostly gained rows is vacuumed as well: PostgreSQL answers a count from an index alone only
   * over pages its visibility map marks all-visible, which only a vacuum does. Without it, `meta.lastModified
   * gt` over a tenant just imported read every row from the table to count 10,000 matches (2.8 ms instead
   * of 1.15, unloaded). SKIP_LOCKED: another process refreshing the same table already does the work.
   */
  async analyzeStale(): Promise<string[]> {
    const connection = this.em.fork().getConnection();
    const stale = (await connection.execute(
      `SELECT relname, n_ins_since_vacuum + n_dead_tup > ${A_TENTH} AS vacuum FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND n_mod_since_analyze > ${A_TENTH}`,
    )) as { relname: string; vacuum: boolean }[];
    for (const { relname, vacuum } of stale)
      await connection.execute(`${vacuum ? 'VACUUM (ANALYZE, SKIP_LOCKED)' : 'ANALYZE (SKIP_LOCKED)'} "${relname.replace(/"/g, '""')}"`);
    return stale.map((row) => row.relname);
  }
}
