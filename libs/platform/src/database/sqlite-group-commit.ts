import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** How long a group may stay open, and how many transactions it may take, before it commits anyway. */
export const GROUP_COMMIT_LIMITS = { maxMilliseconds: 20, maxTransactions: 32 };
// Below this many joiners per group on average, a transaction that ends alone commits at once…
const JOINING_WORTH_WAITING = 0.25;
// …except every so often, to notice when others start writing at the same time again.
const PROBE_EVERY = 16;

/**
 * Group commit on SQLite's write connection: write transactions that run at about the same time share
 * one database transaction, each that joins it in a savepoint of its own, and commit together.
 *
 * Why: on SQLite much of a small write's cost is its COMMIT, which appends every page the transaction
 * touched to the WAL (the audit table's last page, the tenant's count row, the tails of the indexes…),
 * and the locking around it. Requests that write at the same time touch many of the same pages;
 * committed together, those pages are written once. Under Okta's and Entra ID's workloads at eight
 * concurrent requests this saves about a tenth of the server's CPU (docs/benchmarks.md).
 *
 * How: writers take turns on the one connection (a lock this driver holds, in place of Kysely's). A
 * transaction that ends releases its savepoint (if it has one), hands the connection on, and is answered
 * by the group's COMMIT, which comes at the end of the event loop's turn, once the transactions that
 * started meanwhile have joined (or at once when the group is full, or when nobody has been joining
 * lately). So no caller hears "committed" before the COMMIT, readers on other connections see nothing of
 * a group before it, and a failed COMMIT fails every transaction of the group. A transaction that rolls
 * back undoes its own work only. A statement outside any transaction commits the open group first, since
 * its caller hears "done" at once. When SQLite itself ended the transaction (an I/O error, a full disk),
 * every transaction of the group not yet answered fails.
 */
/**
 * `dialect` with its driver committing in groups. The driver takes turns on the connection itself
 * (Kysely's own lock would stay held by a transaction that waits for its group's COMMIT), so Kysely is
 * told it needs none.
 */
export function withGroupCommit(dialect: Dialect, open: (connection: DatabaseConnection) => Promise<void>, inTransaction: () => boolean): Dialect {
  return {
    createAdapter: () => Object.create(dialect.createAdapter(), { supportsMultipleConnections: { value: true } }) as DialectAdapter,
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => new GroupCommitDriver(dialect.createDriver(), open, inTransaction),
  };
}

class GroupCommitDriver implements Driver {
  private readonly lock = new TurnLock();
  private group?: WriteGroup;
  /** How many transactions joined each group that waited for them lately, beyond its first (a moving average). */
  private joining = 1;
  private commitsSinceProbe = 0;

  constructor(
    private readonly inner: Driver,
    /** Opens the database transaction (BEGIN IMMEDIATE, waiting for other processes). */
    private readonly open: (connection: DatabaseConnection) => Promise<void>,
    /** Whether the connection is inside a transaction (SQLite may end one by itself on some errors). */
    private readonly inTransaction: () => boolean,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.take();
    try {
      const connection = await this.inner.acquireConnection();
      return new Turn(connection, () => this.commitBeforeStatement(connection));
    } catch (error) {
      this.lock.pass();
      throw error;
    }
  }

  /**
   * The first transaction of a group opens the database transaction and needs no savepoint: should it roll
   * back, nobody else's work is in the group yet, and the whole database transaction goes. Those that join
   * an open group work in a savepoint. A writer alone (a Bulk request's operations) is always first, so its
   * transactions cost no more statements than without groups.
   */
  async beginTransaction(turn: Turn, _settings: TransactionSettings): Promise<void> {
    if (this.group && !this.inTransaction()) this.abandonGroup();
    if (this.group) {
      await run(turn.connection, 'savepoint roster_write');
      turn.savepoint = true;
    } else {
      await this.open(turn.connection);
      this.group = new WriteGroup();
    }
    turn.group = this.group;
    this.group.transactions += 1;
  }

  async commitTransaction(turn: Turn): Promise<void> {
    const group = turn.group!;
    if (!this.inTransaction()) throw this.abandonGroup();
    if (turn.savepoint) await run(turn.connection, 'release roster_write');
    turn.group = undefined;
    if (group.full() || !this.worthWaiting()) return this.commitGroup(turn.connection);
    // Answered by the group's COMMIT: after the transactions that wait for the connection now, or
    // that start before the event loop's next turn, have joined.
    group.waiting += 1;
    turn.passed = true;
    this.lock.pass();
    this.commitSoon(turn.connection);
    return group.committed;
  }

  /**
   * Whether to leave the group open for others: yes when someone waits for the connection already, or when
   * others have been joining lately. A writer alone (a Bulk request's operations, one after the other; a
   * quiet tenant) would only wait for nothing, so its transactions commit at once, and now and then one
   * waits to see whether others would join again.
   */
  private worthWaiting(): boolean {
    if (this.lock.waiting > 0 || this.joining >= JOINING_WORTH_WAITING) return true;
    return ++this.commitsSinceProbe % PROBE_EVERY === 0;
  }

  /** Commits the open group at the end of this turn of the event loop, unless a transaction is then under way. */
  private commitSoon(connection: DatabaseConnection): void {
    const group = this.group;
    if (!group || group.commitScheduled) return;
    group.commitScheduled = true;
    setImmediate(() => {
      group.commitScheduled = false;
      if (this.group !== group || this.lock.busy) return; // committed already, or its holder will call again
      void this.lock.take().then(async () => {
        try {
          if (this.group === group) await this.commitGroup(connection);
        } catch {
          // The group's transactions hear of it (settle).
        } finally {
          this.lock.pass();
        }
      });
    });
  }

  async rollbackTransaction(turn: Turn): Promise<void> {
    const group = turn.group;
    turn.group = undefined;
    if (!group || group !== this.group) return; // its group has ended already (and failed)
    if (!this.inTransaction()) {
      this.abandonGroup();
      return;
    }
    if (!turn.savepoint || !group.waiting) {
      // Nothing of anyone else's to keep: the whole database transaction goes.
      this.group = undefined;
      await run(turn.connection, 'rollback');
      group.settle();
      return;
    }
    await run(turn.connection, 'rollback to roster_write');
    await run(turn.connection, 'release roster_write');
  }

  // A transaction's own savepoints (the ORM's nested transactions) nest inside its roster_write savepoint.
  savepoint(turn: Turn, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(turn.connection, name, compile);
  }

  rollbackToSavepoint(turn: Turn, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint!(turn.connection, name, compile);
  }

  releaseSavepoint(turn: Turn, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint!(turn.connection, name, compile);
  }

  async releaseConnection(turn: Turn): Promise<void> {
    if (turn.passed) return; // handed on in commitTransaction
    turn.passed = true;
    try {
      await this.inner.releaseConnection(turn.connection);
    } finally {
      this.lock.pass();
    }
    // A statement outside any transaction ran last, or a transaction rolled back: the transactions still
    // waiting in the group get their COMMIT soon.
    this.commitSoon(turn.connection);
  }

  /**
   * A statement outside any transaction commits by itself, and its caller hears so at once: it must not
   * run inside an open group, whose COMMIT could still fail. The group commits first.
   */
  private async commitBeforeStatement(connection: DatabaseConnection): Promise<void> {
    // A failed COMMIT is the group's transactions' to hear (settle), not this statement's.
    if (this.group) await this.commitGroup(connection).catch(() => undefined);
  }

  private async commitGroup(connection: DatabaseConnection): Promise<void> {
    const group = this.group!;
    this.group = undefined;
    // Only groups that waited tell whether waiting pays off.
    if (group.waiting) this.joining = 0.8 * this.joining + 0.2 * (group.transactions - 1);
    try {
      await run(connection, 'commit');
    } catch (error) {
      // A COMMIT that failed (a deferred constraint, a full disk) may leave the transaction open.
      if (this.inTransaction()) await run(connection, 'rollback').catch(() => undefined);
      group.settle(error);
      throw error;
    }
    group.settle();
  }

  /** SQLite ended the group's transaction by itself: everything waiting in it fails. Returns the error for throwing. */
  private abandonGroup(): Error {
    const error = new Error('SQLite ended the transaction of this write group');
    this.group?.settle(error);
    this.group = undefined;
    return error;
  }
}

/** One holder's use of the connection (a statement or a transaction): what the driver hears about it. */
class Turn implements DatabaseConnection {
  group?: WriteGroup;
  /** Its transaction works in a savepoint (it joined an open group). */
  savepoint = false;
  /** The lock went to the next holder already. */
  passed = false;

  constructor(
    readonly connection: DatabaseConnection,
    private readonly outsideTransaction: () => Promise<void>,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.group) await this.outsideTransaction();
    return this.connection.executeQuery<R>(query);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery!<R>(query, chunkSize);
  }
}

/** Transactions sharing one database transaction; `committed` settles when it commits or fails. */
class WriteGroup {
  readonly openedAt = Date.now();
  transactions = 0;
  /** Transactions that ended and wait for the group's COMMIT. */
  waiting = 0;
  commitScheduled = false;
  readonly committed: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.committed.catch(() => undefined); // nobody may be waiting on it
  }

  full(): boolean {
    return this.transactions >= GROUP_COMMIT_LIMITS.maxTransactions || Date.now() - this.openedAt >= GROUP_COMMIT_LIMITS.maxMilliseconds;
  }

  settle(error?: unknown): void {
    if (error === undefined) this.resolve();
    else this.reject(error);
  }
}

/** Turns on the connection, first come first served; `waiting` is how many wait for one. */
class TurnLock {
  private held = false;
  private readonly queue: (() => void)[] = [];

  get waiting(): number {
    return this.queue.length;
  }

  get busy(): boolean {
    return this.held;
  }

  take(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  pass(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

async function run(connection: DatabaseConnection, sql: string): Promise<void> {
  await connection.executeQuery(CompiledQuery.raw(sql));
}
