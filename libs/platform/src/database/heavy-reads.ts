import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Pool, type PoolConfig } from 'pg';
import type { DatabaseConfig } from '@roster/config';
import { ScimError } from '@roster/scim-core';
import { FairSlots } from './fair-slots';
import { numberPlaceholders } from './placeholders';
import { logStatement } from './statement-log';
import { SQLITE_BUDGET_CHECK, SqliteReadWorkers, WorkerReadError, type PageBytes } from './sqlite-read-workers';

export interface HeavyReadSettings {
  /** How long one heavy statement may run before it is ended and answered 400 tooMany. */
  budgetMs: number;
  /** SQLite: worker threads for heavy reads. PostgreSQL: connections of the heavy-read pool. */
  concurrency: number;
}

export const HEAVY_READ_SETTINGS = Symbol('HEAVY_READ_SETTINGS');
export const HEAVY_READ_DATABASE = Symbol('HEAVY_READ_DATABASE');

/**
 * Reads that may scan a tenant — a substring filter, a sort, a count over a filter, a page far down by
 * OFFSET — run here instead of beside the cheap ones, so that no tenant's expensive query holds up another
 * tenant's requests:
 * - on SQLite, on worker threads with read-only connections (SqliteReadWorkers), off the event loop that
 *   every request shares;
 * - on PostgreSQL, on a small pool of its own, so that they never take the connections writes and lookups
 *   need.
 * Each statement has a time budget (statement_timeout on PostgreSQL, a per-row check on SQLite), a tenant
 * holds at most all slots but one (FairSlots), and a spent budget is a SCIM 400 tooMany saying so.
 *
 * The cheap reads — lookups by an indexed attribute, the first page of a plain list — stay where they are:
 * their cost does not grow with the tenant, and the extra hop would only slow Okta's and Entra's traffic.
 */
@Injectable()
export class HeavyReads implements OnApplicationShutdown {
  private readonly slots: FairSlots;
  private sqlite?: SqliteReadWorkers;
  private postgres?: Pool;

  constructor(
    private readonly orm: MikroORM,
    @Inject(HEAVY_READ_DATABASE) private readonly database: DatabaseConfig,
    @Inject(HEAVY_READ_SETTINGS) private readonly settings: HeavyReadSettings,
  ) {
    this.slots = new FairSlots(settings.concurrency, Math.max(1, settings.concurrency - 1));
  }

  /** Whether heavy reads run apart here (an in-memory SQLite database cannot be shared with other threads). */
  get enabled(): boolean {
    return this.database.dialect === 'postgresql' || this.database.path !== ':memory:';
  }

  /** What a heavy read's WHERE clause must include (SQLite's budget check on the rows of `alias`), as "AND …", or ''. */
  budgetCondition(alias: string): string {
    // A JavaScript call per row cost more than the rest of a count over an index (15,200 rows: 2.8 ms against
    // 0.6 ms): the clock is looked at on one row in 64, by rowid (SQLite stops evaluating an OR at its first
    // true term). The budget is then overrun by at most 64 rows' work: milliseconds even for the heaviest filter.
    return this.enabled && this.database.dialect === 'sqlite' ? ` AND (${alias}.rowid % 64 <> 0 OR ${SQLITE_BUDGET_CHECK})` : '';
  }

  /** Slots taken and reads waiting. */
  get load(): { running: number; waiting: number } {
    return this.slots.load;
  }

  /** Whether a page can be read here row by row up to its byte budget (readPage); PostgreSQL sums it in SQL. */
  get readsPagesByBytes(): boolean {
    return this.database.dialect === 'sqlite';
  }

  /**
   * SQLite: starts the read workers now (the server, once its database is migrated). Started on demand, the
   * first heavy reads after a start each waited about 300 ms for a thread and its connection.
   */
  warmUp(): void {
    if (this.enabled && this.database.dialect === 'sqlite') this.sqliteWorkers().warmUp();
  }

  /** SQLite: the read workers running now (0 on PostgreSQL). */
  get sqliteReadersRunning(): number {
    return this.sqlite?.running ?? 0;
  }

  /** Runs a read (SQL with "?" placeholders) for `owner` (a tenant), within the budget. */
  read<T = Record<string, unknown>>(owner: string, sql: string, params: unknown[]): Promise<T[]> {
    return this.runFor(owner, sql, params, () => this.run(sql, params)) as Promise<T[]>;
  }

  /** SQLite: a page's rows in order, up to the first that starts past `page.maxBytes` (SqliteReadWorkers.read). */
  readPage(owner: string, sql: string, params: unknown[], page: PageBytes): Promise<Record<string, unknown>[]> {
    if (!this.readsPagesByBytes) throw new Error('pages are read by bytes on SQLite only');
    return this.runFor(owner, sql, params, () => this.sqliteWorkers().read(sql, params, this.settings.budgetMs, page)) as Promise<Record<string, unknown>[]>;
  }

  private runFor(owner: string, sql: string, params: unknown[], read: () => Promise<unknown[]>): Promise<unknown[]> {
    return this.slots.run(owner, async () => {
      const started = Date.now();
      try {
        const rows = await read();
        logStatement(this.orm.config, sql, params, started, rows.length);
        return rows;
      } catch (error) {
        logStatement(this.orm.config, sql, params, started);
        throw this.budgetSpent(error) ? this.tooExpensive() : error;
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sqlite?.close();
    await this.postgres?.end();
    this.sqlite = undefined;
    this.postgres = undefined;
  }

  private async run(sql: string, params: unknown[]): Promise<unknown[]> {
    if (this.database.dialect === 'sqlite') return this.sqliteWorkers().read(sql, params, this.settings.budgetMs);
    this.postgres ??= this.createPostgresPool();
    return (await this.postgres.query(numberPlaceholders(sql), params)).rows;
  }

  private sqliteWorkers(): SqliteReadWorkers {
    if (this.database.dialect !== 'sqlite') throw new Error('SQLite read workers on a PostgreSQL deployment');
    this.sqlite ??= new SqliteReadWorkers(this.database.path, this.settings.concurrency);
    return this.sqlite;
  }

  /** The ORM's own pool settings (its type parsers among them), with a statement timeout and a few connections. */
  private createPostgresPool(): Pool {
    const connection = this.orm.em.getConnection() as unknown as { mapOptions(overrides: PoolConfig): PoolConfig };
    const pool = new Pool(connection.mapOptions({ max: this.settings.concurrency, statement_timeout: this.settings.budgetMs, idleTimeoutMillis: 30_000 }));
    // A dropped idle connection must not end the process (the query in flight rejects on its own).
    pool.on('error', () => undefined);
    return pool;
  }

  private budgetSpent(error: unknown): boolean {
    if (error instanceof WorkerReadError) return error.budgetSpent;
    // PostgreSQL's query_canceled, which statement_timeout raises.
    return (error as { code?: unknown }).code === '57014';
  }

  private tooExpensive(): ScimError {
    const seconds = this.settings.budgetMs / 1000;
    return ScimError.tooMany(
      `This query ran longer than the ${seconds} s one query may take on this tenant and was stopped: narrow the filter ` +
        '(an eq on userName, externalId, id or emails.value is always fast), or page with a smaller count',
    );
  }
}
