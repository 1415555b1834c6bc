import { MikroORM } from '@mikro-orm/core';
import { databaseSchema } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { buildOrmOptions } from '@roster/platform';
import { expectScimError } from '../../../test/support/contract-assert';
import { createTestDatabase } from '../../../test/support/databases';
import { otherWriter } from '../../../test/support/other-sqlite-writer';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

describe('SQLite with a second process writing the same file', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const path = () => (t.config.database as { path: string }).path;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    tenant = await createTenant(t, 'Two writers');
  });
  afterAll(async () => t?.close());

  it('API writes wait for the other writer instead of failing with "database is locked"', async () => {
    const writer = await otherWriter(path(), 'loop', 4000);
    const statuses: number[] = [];
    const user = (await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'writer@example.com' }).expect(201)).body.id;
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all([
        t.http
          .post(`${tenant.base}/Users`)
          .set(auth())
          .send({ userName: `w${round}@example.com` }),
        t.http
          .patch(`${tenant.base}/Users/${user}`)
          .set(auth())
          .send({ Operations: [{ op: 'replace', path: 'title', value: `t${round}` }] }),
        t.http
          .post(`${tenant.base}/Groups`)
          .set(auth())
          .send({ displayName: `g${round}`, members: [{ value: user }] }),
      ]);
      statuses.push(...batch.map((r) => r.status));
    }
    writer.kill();
    await new Promise((resolve) => writer.once('exit', resolve));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 201]));
  });

  it("reads do not wait for another request's open write transaction", async () => {
    await t.http.get(`${tenant.base}/Users`).set(auth()).expect(200);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const orm = t.app.get(MikroORM);
    // A write transaction that stays open until the reads below have completed.
    const writer = orm.em.fork().transactional(async (em) => {
      await em.getConnection().execute('update tenants set updated_at = updated_at where id = ?', [tenant.id], 'run', em.getTransactionContext());
      await gate;
    });
    const list = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName eq "writer@example.com"')}`)
      .set(auth())
      .expect(200);
    expect(list.body.totalResults).toBe(1);
    await t.http.get(`${tenant.base}/Users/${list.body.Resources[0].id}`).set(auth()).expect(200);
    release();
    await writer;
  });

  it('a write lock held past the busy timeout is a 503 with Retry-After, and nothing is written', async () => {
    const writer = await otherWriter(path(), 'hold', 7000);
    const res = await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'blocked@example.com' });
    // (on failure, show what the server logged as unexpected)
    expect({ status: res.status, unexpected: t.logs.filter((line) => line.includes('unhandled error')).map((line) => line.slice(0, 4000)) }).toEqual({
      status: 503,
      unexpected: [],
    });
    expectScimError(res, 503);
    expect(res.headers['retry-after']).toBe('1');
    await new Promise((resolve) => writer.once('exit', resolve));
    const found = await t.http.get(`${tenant.base}/Users?filter=userName eq "blocked@example.com"`).set(auth()).expect(200);
    expect(found.body.totalResults).toBe(0);
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'blocked@example.com' }).expect(201);
  }, 30_000);

  it('keeps temporary data, savepoint journals among it, in memory on both connections', async () => {
    // Group commit runs each write transaction in a savepoint; on disk, its journal was a temporary file
    // created and unlinked for nearly every group of writes (sqlite-pragmas.ts).
    const orm = t.app.get(MikroORM);
    for (const type of ['write', 'read'] as const) {
      expect(await orm.em.getConnection(type).execute('pragma temp_store')).toEqual([{ temp_store: 2 }]);
    }
  });
});

describe("a SQLite statement's wait for another process's write lock", () => {
  // better-sqlite3 waits synchronously: the server, which must keep answering, waits 50 ms; a batch job
  // (the CLI, the nightly job) as long as a transaction would (orm-options.ts).
  it.each([
    ['serving', 50],
    ['batch', 5000],
  ] as const)('%s: %i ms on the write and the read connection', async (lockWait, ms) => {
    const db = await createTestDatabase('sqlite');
    const orm = await MikroORM.init(buildOrmOptions(db.config, databaseSchema, migrations, { lockWait }));
    try {
      for (const type of ['write', 'read'] as const) {
        expect(await orm.em.getConnection(type).execute('pragma busy_timeout')).toEqual([{ timeout: ms }]);
      }
    } finally {
      await orm.close();
      await db.drop();
    }
  });
});
