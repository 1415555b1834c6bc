import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import pino from 'pino';
import { loadConfig, type RosterConfig } from '@roster/config';
import { MigrationRunner } from '@roster/platform';
import { recountResources, ReconciliationService, UserEntity } from '@roster/directory';
import { createTestDatabase, dialects, reportSkippedPostgres, type TestDatabase } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';
import { reconcile } from '../src/reconcile';
import { ReconcilerModule } from '../src/reconciler.module';

reportSkippedPostgres();

describe.each(dialects())('nightly reconciliation on %s', (dialect) => {
  let t: TestApp;
  let job: INestApplicationContext;
  let config: RosterConfig;
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    config = t.config;
    job = await NestFactory.createApplicationContext(ReconcilerModule.forRoot(config), { logger: false });
  });
  afterAll(async () => {
    await job?.close();
    await t?.close();
  });

  it('walks every user of every tenant, reports drift, repairs derived data, and prunes old audit events', async () => {
    const a = await createTenant(t, 'Rec A');
    const b = await createTenant(t, 'Rec B');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await t.http
            .post(`${a.base}/Users`)
            .set('Authorization', `Bearer ${a.token}`)
            .send({ userName: `r${i}@example.com`, emails: [{ value: `r${i}@example.com`, type: 'work' }] })
            .expect(201)
        ).body.id,
      );
    await t.http.post(`${b.base}/Users`).set('Authorization', `Bearer ${b.token}`).send({ userName: 'b@example.com' }).expect(201);

    const clean = (await reconcile(job, config, logger, { repair: false })).summary;
    expect(clean).toMatchObject({ usersChecked: 4, drift: 0 });

    // Break derived data behind the application's back.
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    await connection.execute('update users set user_name_ci = ? where id = ?', ['wrong@example.com', ids[0]]);
    await connection.execute('delete from user_emails where user_id = ?', [ids[1]]);
    const found = (await reconcile(job, config, logger, { repair: false })).summary;
    expect(found.drift).toBe(2);
    expect(lines.filter((l) => l.msg === 'drift').map((l) => [l.userId, l.kind])).toEqual(
      expect.arrayContaining([
        [ids[0], 'columns'],
        [ids[1], 'emails'],
      ]),
    );

    // Lookups rely on the derived data: the broken user is not found until repaired.
    const lookup = () => t.http.get(`${a.base}/Users?filter=userName eq "r0@example.com"`).set('Authorization', `Bearer ${a.token}`);
    expect((await lookup()).body.totalResults).toBe(0);
    const repaired = (await reconcile(job, config, logger, { repair: true })).summary;
    expect(repaired).toMatchObject({ drift: 2, repaired: 2 });
    expect((await lookup()).body.totalResults).toBe(1);
    expect((await reconcile(job, config, logger, { repair: false })).summary).toMatchObject({ drift: 0 });

    // A deleted manager leaves a dangling reference: reported, never "repaired" behind the IdP's back.
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    await t.http
      .patch(`${a.base}/Users/${ids[2]}`)
      .set('Authorization', `Bearer ${a.token}`)
      .send({ Operations: [{ op: 'add', path: `${ENT}:manager`, value: ids[1] }] })
      .expect(200);
    await t.http.delete(`${a.base}/Users/${ids[1]}`).set('Authorization', `Bearer ${a.token}`).expect(204);
    const dangling = (await reconcile(job, config, logger, { repair: true })).summary;
    // It is not drift: counted apart, logged as its own kind, and no reason for the job to fail.
    expect(dangling).toMatchObject({ drift: 0, unresolvedManagers: 1, repaired: 0, findingsNeedingAction: 0 });
    expect(lines.filter((l) => l.msg === 'unresolved manager').pop()).toMatchObject({ userId: ids[2], kind: 'reference' });
    expect(lines.filter((l) => l.msg === 'drift' && l.kind === 'reference')).toEqual([]);

    const old = (await reconcile(job, { ...config, auditRetentionDays: 1 }, logger, { repair: false })).summary;
    expect(old.auditEventsPruned).toBe(0);
  });

  it('--repair never overwrites a write the server made after the job read the user', async () => {
    const tenant = await createTenant(t, 'Rec race');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const id = (await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'race@example.com' }).expect(201)).body.id;
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    await connection.execute('update users set user_name_ci = ? where id = ?', ['broken@example.com', id]);
    const service = job.get(ReconciliationService);
    const stale = await job.get(MikroORM).em.fork().findOneOrFail(UserEntity, { id });
    // The server writes after the job read the user: its write derives fresh columns from its own document.
    await t.http
      .patch(`${tenant.base}/Users/${id}`)
      .set(auth)
      .send({ Operations: [{ op: 'replace', path: 'userName', value: 'renamed@example.com' }] })
      .expect(200);
    expect(await service.repair(stale)).toBe(false);
    const rows = (await connection.execute('select user_name_ci, version from users where id = ?', [id])) as { user_name_ci: string; version: number }[];
    expect(rows[0].user_name_ci).toBe('renamed@example.com');
    // Against the version it read, a repair rewrites derived data only: the version (the ETag) stays.
    await connection.execute('update users set user_name_ci = ? where id = ?', ['broken@example.com', id]);
    const current = await job.get(MikroORM).em.fork().findOneOrFail(UserEntity, { id });
    expect(await service.repair(current)).toBe(true);
    const after = (await connection.execute('select user_name_ci, version from users where id = ?', [id])) as { user_name_ci: string; version: number }[];
    expect(after[0]).toEqual({ user_name_ci: 'renamed@example.com', version: rows[0].version });
  });

  // PostgreSQL keeps its trigram indexes itself; SQLite's search rows are Roster's, so the job checks them.
  if (dialect === 'sqlite')
    it('SQLite: checks the search rows behind substring filters and rebuilds them', async () => {
      const tenant = await createTenant(t, 'Rec search');
      const auth = { Authorization: `Bearer ${tenant.token}` };
      const create = async (userName: string, email: string) =>
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(auth)
            .send({ userName, emails: [{ value: email }] })
            .expect(201)
        ).body.id as string;
      const gone = await create('searchable.one@example.com', 'one@mail.example.net');
      const stale = await create('searchable.two@example.com', 'two@mail.example.net');
      const misplaced = await create('searchable.three@example.com', 'three@elsewhere.example.org');
      const found = async (filter: string) =>
        (
          await t.http
            .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}`)
            .set(auth)
            .expect(200)
        ).body.totalResults as number;
      expect(await found('userName co "searchable"')).toBe(3);

      // Search rows broken behind the triggers' back: one user's missing, another's and an email's outdated, a
      // third's copy of its tenant wrong (a search the index answers alone is scoped by it).
      const connection = t.app.get(MikroORM).em.fork().getConnection();
      await connection.execute('delete from user_search where rowid = (select key from user_search_keys where user_id = ?)', [gone]);
      await connection.execute("update user_search set user_name = 'nothing' where rowid = (select key from user_search_keys where user_id = ?)", [stale]);
      await connection.execute("update user_email_search set value = 'nothing' where rowid in (select id from user_emails where user_id = ?)", [stale]);
      await connection.execute("update user_search set tenant_id = 'elsewhere' where rowid = (select key from user_search_keys where user_id = ?)", [
        misplaced,
      ]);
      expect(await found('userName co "searchable"')).toBe(0);
      expect(await found('emails.value co "mail.example"')).toBe(1);

      await reconcile(job, config, logger, { repair: false });
      expect(lines.filter((l) => l.msg === 'drift' && l.kind === 'search').map((l) => l.userId)).toEqual(expect.arrayContaining([gone, stale, misplaced]));
      await reconcile(job, config, logger, { repair: true });
      expect(await found('userName co "searchable"')).toBe(3);
      expect(await found('emails.value co "mail.example"')).toBe(2);
      expect((await reconcile(job, config, logger, { repair: false })).summary).toMatchObject({ drift: 0 });
    });

  it('unfiltered totalResults come from kept counts, which the job checks and recounts', async () => {
    const tenant = await createTenant(t, 'Rec counts');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const total = async (resource: string) => (await t.http.get(`${tenant.base}/${resource}?count=1`).set(auth).expect(200)).body.totalResults;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(auth)
            .send({ userName: `c${i}@example.com` })
            .expect(201)
        ).body.id,
      );
    const group = (await t.http.post(`${tenant.base}/Groups`).set(auth).send({ displayName: 'Counted' }).expect(201)).body.id;
    await t.http.post(`${tenant.base}/Groups`).set(auth).send({ displayName: 'Counted too' }).expect(201);
    await t.http.delete(`${tenant.base}/Users/${ids[0]}`).set(auth).expect(204);
    await t.http.delete(`${tenant.base}/Groups/${group}`).set(auth).expect(204);
    // A rejected create counts nothing.
    await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'c1@example.com' }).expect(409);
    expect([await total('Users'), await total('Groups')]).toEqual([2, 1]);
    expect((await t.http.get(`${tenant.base}/Users?startIndex=2&count=1`).set(auth).expect(200)).body.totalResults).toBe(2);

    const connection = t.app.get(MikroORM).em.fork().getConnection();
    // Five more than there are, in one of the slots the count is spread over.
    await connection.execute(
      "update resource_counts set count = count + 5 where tenant_id = ? and resource_type = 'User' and slot = (select min(slot) from resource_counts where tenant_id = ? and resource_type = 'User')",
      [tenant.id, tenant.id],
    );
    expect(await total('Users')).toBe(7); // the kept count is what lists report...
    const found = (await reconcile(job, config, logger, { repair: false })).summary;
    expect(lines.filter((l) => l.msg === 'drift' && l.kind === 'counts').pop()).toMatchObject({ tenantId: tenant.id, userId: 'User' });
    expect(found.drift).toBeGreaterThanOrEqual(1);
    await reconcile(job, config, logger, { repair: true });
    expect(await total('Users')).toBe(2); // ...and the job puts it right
  });

  it('counts concurrent creates over several slots, and a recount while they commit loses none', async () => {
    const tenant = await createTenant(t, 'Rec concurrent counts');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const create = (i: number) =>
      t.http
        .post(`${tenant.base}/Users`)
        .set(auth)
        .send({ userName: `k${i}@example.com` })
        .expect(201);
    const total = async () => (await t.http.get(`${tenant.base}/Users?count=1`).set(auth).expect(200)).body.totalResults;
    await Promise.all(Array.from({ length: 24 }, (_, i) => create(i)));
    expect(await total()).toBe(24);
    const orm = t.app.get(MikroORM);
    const slots = await orm.em.fork().getConnection().execute("select slot from resource_counts where tenant_id = ? and resource_type = 'User'", [tenant.id]);
    expect(slots.length).toBeGreaterThan(1);

    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => create(100 + i)),
      ...Array.from({ length: 4 }, () => recountResources(orm.em.fork(), tenant.id, 'User')),
    ]);
    expect(await total()).toBe(32);
    expect((await reconcile(job, config, logger, { repair: false })).summary).toMatchObject({ drift: 0 });
  });

  it('refuses to run against a database with pending migrations', async () => {
    const db: TestDatabase = await createTestDatabase(dialect);
    const fresh = await NestFactory.createApplicationContext(ReconcilerModule.forRoot({ ...loadConfig({}), database: db.config }), { logger: false });
    try {
      await expect(reconcile(fresh, config, logger, { repair: false })).rejects.toThrow(/pending migration/);
      await fresh.get(MigrationRunner).run();
      await expect(reconcile(fresh, config, logger, { repair: false }).then((r) => r.summary)).resolves.toMatchObject({ tenants: 0 });
    } finally {
      await fresh.close();
      await db.drop();
    }
  });
});
