import { MikroORM, OptimisticLockError, type EntityManager } from '@mikro-orm/core';
import { isUniqueViolation } from '@roster/platform';
import { writeAll, type SqlStatement } from '@roster/directory';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();

// writeAll sends a change's statements together: one statement on PostgreSQL, one by one on SQLite.
// Either way they are written all or not at all, and the first one's row count comes back.
describe.each(dialects())('writeAll on %s', (dialect) => {
  let t: TestApp;
  let em: EntityManager;
  const key = (name: string) => `write-all-test-${name}`;
  const insert = (name: string, value = 'v'): SqlStatement => ({ sql: 'INSERT INTO server_secrets (name, value) VALUES (?, ?)', params: [key(name), value] });
  const stored = async (name: string) =>
    (await em.getConnection().execute<{ value: string }[]>('SELECT value FROM server_secrets WHERE name = ?', [key(name)])).map(
      (row: { value: string }) => row.value,
    );

  beforeAll(async () => {
    t = await startTestApp(dialect);
    em = t.app.get(MikroORM).em.fork();
  });
  afterAll(() => t.close());

  it('writes independent statements together, outside a transaction', async () => {
    await expect(writeAll(em, [insert('a'), insert('b'), insert('c')])).resolves.toEqual({ changed: 1 });
    expect([await stored('a'), await stored('b'), await stored('c')]).toEqual([['v'], ['v'], ['v']]);
  });

  it('writes nothing when one statement fails, outside a transaction', async () => {
    const failure = await writeAll(em, [insert('d'), insert('e'), insert('a')]).catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
    expect([await stored('d'), await stored('e')]).toEqual([[], []]);
  });

  it("returns the first statement's row count, inside the caller's transaction", async () => {
    const update = (name: string): SqlStatement => ({ sql: 'UPDATE server_secrets SET value = ? WHERE name = ?', params: ['w', key(name)] });
    await expect(em.transactional((tx) => writeAll(tx, [update('missing'), insert('f')]))).resolves.toEqual({ changed: 0 });
    await expect(em.transactional((tx) => writeAll(tx, [update('b'), insert('g')]))).resolves.toEqual({ changed: 1 });
    expect([await stored('b'), await stored('f'), await stored('g')]).toEqual([['w'], ['v'], ['v']]);
  });

  it('writes nothing when a guarded first statement changes no row, with or without a transaction', async () => {
    const update = (name: string, value: string): SqlStatement => ({ sql: 'UPDATE server_secrets SET value = ? WHERE name = ?', params: [value, key(name)] });
    const guarded = { firstMustChange: true };
    const outside = await writeAll(em, [update('missing', 'x'), insert('j')], guarded).catch((error: unknown) => error);
    expect(outside).toBeInstanceOf(OptimisticLockError);
    const inside = await em.transactional((tx) => writeAll(tx, [update('missing', 'x'), insert('k')], guarded)).catch((error: unknown) => error);
    expect(inside).toBeInstanceOf(OptimisticLockError);
    await expect(writeAll(em, [update('c', 'x'), insert('l')], guarded)).resolves.toEqual({ changed: 1 });
    expect([await stored('j'), await stored('k'), await stored('c'), await stored('l')]).toEqual([[], [], ['x'], ['v']]);
  });

  it('returns what a guarded first statement returned of its row, in the same statement, or refuses as without', async () => {
    const update = (name: string, value: string): SqlStatement => ({ sql: 'UPDATE server_secrets SET value = ? WHERE name = ?', params: [value, key(name)] });
    // What the row's table says besides the row itself, with a parameter of its own.
    const returning: SqlStatement = {
      sql: "value || ? AS seen, (SELECT count(*) FROM server_secrets s WHERE s.name LIKE 'write-all-test-%') AS stored",
      params: ['!'],
    };
    const outcome = await writeAll(em, [update('a', 'y'), insert('m')], { firstMustChange: true, returning });
    // The count reads the snapshot before the statement on PostgreSQL, and sees the write on SQLite: only its presence matters here.
    expect({ ...outcome, returned: { ...outcome.returned, stored: undefined } }).toEqual({ changed: 1, returned: { seen: 'y!', stored: undefined } });
    expect(Number(outcome.returned?.stored)).toBeGreaterThan(0);
    const inside = await em.transactional((tx) => writeAll(tx, [update('a', 'z'), insert('n')], { returning })).catch((error: unknown) => error);
    expect(inside).toMatchObject({ changed: 1, returned: { seen: 'z!' } });
    const refused = await writeAll(em, [update('missing', 'y'), insert('o')], { firstMustChange: true, returning }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OptimisticLockError);
    expect([await stored('a'), await stored('m'), await stored('n'), await stored('o')]).toEqual([['z'], ['v'], ['v'], []]);
  });

  it('rolls back with the caller’s transaction', async () => {
    const rolledBack = em.transactional(async (tx) => {
      await writeAll(tx, [insert('h'), insert('i')]);
      throw new Error('the caller gives up');
    });
    await expect(rolledBack).rejects.toThrow('the caller gives up');
    expect([await stored('h'), await stored('i')]).toEqual([[], []]);
  });

  it("commits concurrent writes with and without the ORM's transactions, each all or nothing", async () => {
    // On SQLite the writes share commit groups, those without a transaction of their own taking their turn
    // on the connection like the ORM's; a failing write (its last statement collides) undoes only itself.
    const writes = Array.from({ length: 24 }, (_, i) => {
      const statements = [insert(`p${i}`), i % 3 === 0 ? insert('a') : insert(`q${i}`)];
      const outcome = i % 2 ? writeAll(em, statements) : em.fork().transactional((tx) => writeAll(tx, statements));
      return outcome.then(
        () => 'written',
        (error: unknown) => (isUniqueViolation(error) ? 'refused' : error),
      );
    });
    const outcomes = await Promise.all(writes);
    expect(outcomes).toEqual(outcomes.map((_, i) => (i % 3 === 0 ? 'refused' : 'written')));
    const rows = await Promise.all(outcomes.map(async (_, i) => [(await stored(`p${i}`)).length, (await stored(`q${i}`)).length]));
    expect(rows).toEqual(outcomes.map((_, i) => (i % 3 === 0 ? [0, 0] : [1, 1])));
  });
});
