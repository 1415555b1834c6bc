import { Worker } from 'node:worker_threads';
import { CONNECTION_PRAGMAS, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-pragmas';

/** The SQL function a heavy read calls on every row it scans: it ends the statement once its budget is spent. */
export const SQLITE_BUDGET_CHECK = 'roster_within_budget()';
/** What the budget check throws, so that the pool can tell a spent budget from a failed statement. */
export const BUDGET_SPENT = 'ROSTER_QUERY_BUDGET_SPENT';

/** A read that failed in a worker: a spent budget, or the statement's own error (with SQLite's code). */
export class WorkerReadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly budgetSpent: boolean,
  ) {
    super(message);
    this.name = 'WorkerReadError';
  }
}

interface Job {
  id: number;
  resolve(rows: Record<string, unknown>[]): void;
  reject(error: Error): void;
  watchdog: NodeJS.Timeout;
}

interface Reader {
  worker: Worker;
  job?: Job;
}

/** A page's byte budget: the column holding each row's size, and the bytes a page may start rows within. */
export interface PageBytes {
  bytesColumn: string;
  maxBytes: number;
}

type Answer = { id: number; rows: Record<string, unknown>[] } | { id: number; error: { message: string; code?: string; budget: boolean } };

/**
 * SQLite reads that may scan a tenant, run on worker threads, each with its own read-only connection to
 * the database file (WAL lets them read while the main connection writes). better-sqlite3 runs a query
 * synchronously on the thread that calls it: on the main thread a filter that scans 20,000 users held every
 * other request, /health included, for over a second. Here it holds one worker.
 *
 * A statement gets a time budget: it calls SQLITE_BUDGET_CHECK on the rows it scans (HeavyReads.budgetCondition: one in 64), which throws once the
 * budget is spent, ending the statement. (better-sqlite3 exposes neither sqlite3_interrupt nor a progress
 * handler.) A worker that still does not answer shortly after — stuck in a sort, say — is replaced.
 *
 * The caller runs at most `size` reads at once (FairSlots), so each read finds an idle worker.
 */
export class SqliteReadWorkers {
  private readonly readers: Reader[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly graceMs = 2000,
  ) {}

  /**
   * Runs a read on an idle worker. With `page`, the rows are read in order and the reading stops at the first
   * row that starts past `page.maxBytes` (each row's size in its `page.bytesColumn`); every row returned
   * carries `page_bytes_before`, the bytes of the rows before it.
   */
  read(sql: string, params: unknown[], budgetMs: number, page?: PageBytes): Promise<Record<string, unknown>[]> {
    if (this.closed) return Promise.reject(new Error('the SQLite read workers are closed'));
    const reader = this.idleReader();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const watchdog = setTimeout(
        () => this.replace(reader, new WorkerReadError('the read did not end within its budget', undefined, true)),
        budgetMs + this.graceMs,
      );
      reader.job = { id, resolve, reject, watchdog };
      reader.worker.postMessage({ id, sql, params, budgetMs, page });
    });
  }

  /** Starts every worker not yet running, so that the first heavy reads do not wait for a thread to start. */
  warmUp(): void {
    while (!this.closed && this.readers.length < this.size) this.readers.push(this.spawn());
  }

  /** The workers running now. */
  get running(): number {
    return this.readers.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const readers = this.readers.splice(0);
    for (const reader of readers) this.fail(reader, new Error('the SQLite read workers are closing'));
    await Promise.all(readers.map((reader) => reader.worker.terminate()));
  }

  private idleReader(): Reader {
    const idle = this.readers.find((reader) => !reader.job);
    if (idle) return idle;
    if (this.readers.length >= this.size) throw new Error('no idle SQLite read worker (the caller must run at most `size` reads at once)');
    const reader = this.spawn();
    this.readers.push(reader);
    return reader;
  }

  private spawn(): Reader {
    const worker = new Worker(`(${readerThread.toString()})();`, {
      eval: true,
      workerData: {
        path: this.path,
        driver: require.resolve('better-sqlite3'),
        pragmas: CONNECTION_PRAGMAS,
        timeout: SQLITE_BUSY_TIMEOUT_MS.serving,
        budgetSpent: BUDGET_SPENT,
      },
      resourceLimits: { maxOldGenerationSizeMb: 96 },
    });
    const reader: Reader = { worker };
    worker.on('message', (answer: Answer) => {
      const job = reader.job;
      if (!job || job.id !== answer.id) return;
      reader.job = undefined;
      clearTimeout(job.watchdog);
      if ('rows' in answer) job.resolve(answer.rows);
      else job.reject(new WorkerReadError(answer.error.message, answer.error.code, answer.error.budget));
    });
    worker.on('error', (error) => this.replace(reader, error));
    worker.on('exit', () => this.replace(reader, new Error('an SQLite read worker stopped')));
    // An idle worker must not keep the process alive.
    worker.unref();
    return reader;
  }

  /** Gives up on a worker: its read fails, and a fresh worker takes its place when next needed. */
  private replace(reader: Reader, error: Error): void {
    const index = this.readers.indexOf(reader);
    if (index < 0) return;
    this.readers.splice(index, 1);
    this.fail(reader, error);
    void reader.worker.terminate();
  }

  private fail(reader: Reader, error: Error): void {
    const job = reader.job;
    reader.job = undefined;
    if (!job) return;
    clearTimeout(job.watchdog);
    job.reject(error);
  }
}

/**
 * The body of each worker thread. It is handed to the Worker as source text, so it may use nothing from
 * outside its own body: what it needs arrives in workerData.
 */
function readerThread(): void {
  interface Statement {
    readonly reader: boolean;
    all(params: unknown[]): unknown[];
    iterate(params: unknown[]): IterableIterator<Record<string, unknown>>;
  }
  interface Database {
    exec(sql: string): void;
    prepare(sql: string): Statement;
    function(name: string, options: { deterministic: boolean }, body: (value?: unknown) => unknown): void;
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- source text for a worker thread, which loads its own modules */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const open = require(workerData.driver) as new (path: string, options: { readonly: boolean; fileMustExist: boolean; timeout: number }) => Database;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const database = new open(workerData.path as string, { readonly: true, fileMustExist: true, timeout: workerData.timeout as number });
  for (const pragma of workerData.pragmas as string[]) if (!/foreign_keys/.test(pragma)) database.exec(pragma);
  // The same lower() as every other connection (sqlite-pragmas.ts, unicodeLower), restated: this body can import nothing.
  database.function('lower', { deterministic: true }, (value) =>
    typeof value === 'string' ? value.toLowerCase() : typeof value === 'number' || typeof value === 'bigint' ? String(value) : value,
  );
  let deadline = Number.POSITIVE_INFINITY;
  database.function('roster_within_budget', { deterministic: false }, () => {
    if (performance.now() > deadline) throw new Error(workerData.budgetSpent as string);
    return 1;
  });
  const statements = new Map<string, Statement>();
  // The rows that start within the page's bytes, and the first past them (which says the page was cut).
  const pageOf = (statement: Statement, params: unknown[], page: { bytesColumn: string; maxBytes: number }) => {
    const rows: Record<string, unknown>[] = [];
    let before = 0;
    for (const row of statement.iterate(params)) {
      row.page_bytes_before = before;
      before += Number(row[page.bytesColumn]);
      rows.push(row);
      if (Number(row.page_bytes_before) >= page.maxBytes) break;
    }
    return rows;
  };
  parentPort!.on('message', (job: { id: number; sql: string; params: unknown[]; budgetMs: number; page?: { bytesColumn: string; maxBytes: number } }) => {
    try {
      let statement = statements.get(job.sql);
      if (!statement) {
        statement = database.prepare(job.sql);
        if (statements.size >= 128) statements.delete(statements.keys().next().value!);
        statements.set(job.sql, statement);
      }
      if (!statement.reader) throw new Error('only reads run on the read workers');
      deadline = performance.now() + job.budgetMs;
      const rows = job.page ? pageOf(statement, job.params, job.page) : statement.all(job.params);
      parentPort!.postMessage({ id: job.id, rows });
    } catch (error) {
      const failure = error as { message?: string; code?: string };
      const message = String(failure.message ?? error);
      parentPort!.postMessage({ id: job.id, error: { message, code: failure.code, budget: message.includes(workerData.budgetSpent as string) } });
    } finally {
      deadline = Number.POSITIVE_INFINITY;
    }
  });
}
