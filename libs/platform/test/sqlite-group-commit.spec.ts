import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, Kysely, SqliteDialect, sql, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import { GROUP_COMMIT_LIMITS, withGroupCommit } from '../src/database/sqlite-group-commit';

/** The calls this test makes on a better-sqlite3 handle (the package ships no types here). */
interface SqliteHandle extends SqliteDatabase {
  exec(sql: string): void;
  readonly inTransaction: boolean;
}
const Database = createRequire(__filename)('better-sqlite3') as new (file: string, options?: { readonly?: boolean }) => SqliteHandle;

/**
 * The group-commit driver on a real SQLite file, driven through Kysely's controlled transactions as the
 * ORM drives it, with a second connection reading what is committed. Every statement the driver sends
 * is recorded, to see how many COMMITs a group took.
 */
describe('GroupCommitDriver (SQLite)', () => {
  let dir: string;
  let writer: SqliteHandle;
  let reader: SqliteHandle;
  let db: Kysely<Record<string, never>>;
  let sent: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-group-commit-'));
    const file = join(dir, 'test.db');
    writer = new Database(file);
    writer.exec(`pragma journal_mode = wal; pragma foreign_keys = on;
      create table parent (id integer primary key);
      create table child (id integer primary key, parent_id integer references parent (id) deferrable initially deferred);
      create table item (name text primary key);`);
    reader = new Database(file, { readonly: true });
    sent = [];
    const recording = (driver: Driver): Driver => {
      const acquire = driver.acquireConnection.bind(driver);
      driver.acquireConnection = async () => {
        const connection = await acquire();
        return {
          executeQuery: (query: CompiledQuery) => (sent.push(query.sql.toLowerCase()), connection.executeQuery(query)),
          streamQuery: (query: CompiledQuery, chunk: number) => connection.streamQuery(query, chunk),
        } as DatabaseConnection;
      };
      return driver;
    };
    const sqlite = new SqliteDialect({ database: writer });
    const createDriver = sqlite.createDriver.bind(sqlite);
    sqlite.createDriver = () => recording(createDriver());
    db = new Kysely({
      dialect: withGroupCommit(
        sqlite,
        async (connection) => void (await connection.executeQuery(CompiledQuery.raw('begin immediate'))),
        () => writer.inTransaction,
      ),
    });
  });

  afterEach(async () => {
    await db.destroy();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (table: string): unknown[] => reader.prepare(`select * from ${table} order by 1`).all([]);

  /** One write transaction as the ORM runs it: begin, statements, commit (or rollback when `work` throws). */
  async function transaction(work: (trx: Kysely<Record<string, never>>) => Promise<void>): Promise<void> {
    const trx = await db.startTransaction().execute();
    try {
      await work(trx);
    } catch (error) {
      await trx.rollback().execute();
      throw error;
    }
    await trx.commit().execute();
  }
  const insertItem = async (trx: Kysely<Record<string, never>>, name: string) => void (await sql`insert into item (name) values (${name})`.execute(trx));

  it('commits transactions that run together with one COMMIT, and answers each only once it is committed', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `item-${i}`);
    await Promise.all(
      names.map(async (name) => {
        await transaction((trx) => insertItem(trx, name));
        // Answered: the row is durable and another connection sees it.
        expect(committed('item')).toContainEqual({ name });
      }),
    );
    expect(committed('item')).toHaveLength(10);
    const commits = sent.filter((s) => s === 'commit').length;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(10);
  });

  it('shows nothing of a group to other connections before its COMMIT', async () => {
    const first = transaction((trx) => insertItem(trx, 'early'));
    // Still in this turn of the event loop: the group has not committed.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(committed('item')).toEqual([]);
    await first;
    expect(committed('item')).toEqual([{ name: 'early' }]);
  });

  it('undoes a transaction that rolls back, and only that one', async () => {
    const results = await Promise.allSettled([
      transaction((trx) => insertItem(trx, 'a')),
      transaction(async (trx) => {
        await insertItem(trx, 'b');
        throw new Error('refused');
      }),
      transaction(async (trx) => {
        await insertItem(trx, 'c');
        await insertItem(trx, 'c').catch(() => undefined); // a unique violation fails the statement only
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed('item')).toEqual([{ name: 'a' }, { name: 'c' }]);
  });

  it('fails every transaction of a group whose COMMIT fails, keeps none of them, and carries on', async () => {
    const results = await Promise.allSettled([
      transaction((trx) => insertItem(trx, 'innocent')),
      // The deferred foreign key is checked at COMMIT: the group's COMMIT fails.
      transaction(async (trx) => void (await sql`insert into child (id, parent_id) values (1, 42)`.execute(trx))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(committed('item')).toEqual([]);
    expect(committed('child')).toEqual([]);
    expect(writer.inTransaction).toBe(false);
    await transaction((trx) => insertItem(trx, 'after'));
    expect(committed('item')).toEqual([{ name: 'after' }]);
  });

  it('commits the open group before a statement outside any transaction, whose success no COMMIT may undo', async () => {
    const grouped = transaction((trx) => insertItem(trx, 'in a transaction'));
    const alone = sql`insert into item (name) values ('alone')`.execute(db);
    await Promise.all([grouped, alone]);
    expect(committed('item')).toEqual([{ name: 'alone' }, { name: 'in a transaction' }]);
    const statement = sent.indexOf("insert into item (name) values ('alone')");
    expect(sent.indexOf('commit')).toBeGreaterThan(-1);
    expect(sent.indexOf('commit')).toBeLessThan(statement);
    expect(writer.inTransaction).toBe(false);
  });

  it('lets nested savepoints of a transaction roll back inside it', async () => {
    const trx = await db.startTransaction().execute();
    await insertItem(trx, 'kept');
    const nested = await trx.savepoint('trx1').execute();
    await insertItem(nested, 'undone');
    await nested.rollbackToSavepoint('trx1').execute();
    await trx.commit().execute();
    expect(committed('item')).toEqual([{ name: 'kept' }]);
  });

  it('lets a writer alone commit at once, once nobody has been joining its groups', async () => {
    for (let i = 0; i < 20; i++) await transaction((trx) => insertItem(trx, `sequential-${i}`));
    let turned = false;
    setImmediate(() => (turned = true));
    sent = [];
    await transaction((trx) => insertItem(trx, 'alone'));
    expect(turned).toBe(false); // committed without waiting for a turn of the event loop
    expect(committed('item')).toHaveLength(21);
    // The first transaction of a group needs no savepoint: no more statements than without groups.
    expect(sent).toEqual(['begin immediate', 'insert into item (name) values (?)', 'commit']);
  });

  it('gives a savepoint to each transaction that joins a group, none to the one that opened it', async () => {
    await Promise.all(['x', 'y', 'z'].map((name) => transaction((trx) => insertItem(trx, name))));
    const insert = 'insert into item (name) values (?)';
    expect(sent.slice(0, 5)).toEqual(['begin immediate', insert, 'savepoint roster_write', insert, 'release roster_write']);
    expect(sent.filter((s) => s === 'savepoint roster_write')).toHaveLength(2);
  });

  it('rolls back the whole database transaction when the first transaction of a group rolls back, and the next opens a new group', async () => {
    const results = await Promise.allSettled([
      transaction(async (trx) => {
        await insertItem(trx, 'first');
        throw new Error('refused');
      }),
      transaction((trx) => insertItem(trx, 'second')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(committed('item')).toEqual([{ name: 'second' }]);
    expect(sent.filter((s) => s === 'begin immediate')).toHaveLength(2);
    expect(sent).toContain('rollback');
  });

  it('commits a full group at once', async () => {
    const limit = GROUP_COMMIT_LIMITS.maxTransactions;
    GROUP_COMMIT_LIMITS.maxTransactions = 2;
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => transaction((trx) => insertItem(trx, `n${i}`))));
      expect(sent.filter((s) => s === 'commit').length).toBeGreaterThanOrEqual(3);
      expect(committed('item')).toHaveLength(6);
    } finally {
      GROUP_COMMIT_LIMITS.maxTransactions = limit;
    }
  });
});
