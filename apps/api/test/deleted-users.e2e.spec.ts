import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/core';
import pino from 'pino';
import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';
import { reconcile } from '../../reconciler/src/reconcile';
import { ReconcilerModule } from '../../reconciler/src/reconciler.module';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

// A SCIM DELETE keeps the learner restorable (Entra deletes 30 days after an unassignment).
describe.each(dialects())('deleted users on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const deletedList = (query = '') => t.http.get(`/admin/v1/tenants/${tenant.id}/deleted-users${query}`).set(admin);
  const restore = (id: string, tenantId = tenant.id) => t.http.post(`/admin/v1/tenants/${tenantId}/deleted-users/${id}/restore`).set(admin);
  const create = async (userName: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .send({ userName, externalId: `ext-${userName}`, ...extra })
        .expect(201)
    ).body;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Deleted');
  });
  afterAll(async () => t?.close());

  it('a deleted user leaves the SCIM surface, frees its userName, email and externalId, and is listed as restorable', async () => {
    const user = await create('leaver@example.com', { title: 'Analyst' });
    await t.http.delete(`${tenant.base}/Users/${user.id}`).set(auth()).expect(204);
    expectScimError(await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()), 404);
    const found = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName eq "leaver@example.com" or externalId eq "ext-leaver@example.com"')}`)
      .set(auth())
      .expect(200);
    expect(found.body.totalResults).toBe(0);
    const list = await deletedList().expect(200);
    expectContract(list.body, 'DeletedUserPage');
    const item = list.body.items.find((i: { id: string }) => i.id === user.id);
    expect(item).toMatchObject({ userName: 'leaver@example.com', externalId: 'ext-leaver@example.com' });
    expect(new Date(item.purgeAfter).getTime() - new Date(item.deletedAt).getTime()).toBe(30 * 86_400_000);
    // Free at once for a new user.
    const again = await create('leaver@example.com');
    expect(again.id).not.toBe(user.id);
    // ...so restoring the old one now conflicts.
    expectScimError(await restore(user.id), 409, 'uniqueness');
  });

  it('restores a user with its id and attributes, audited, without its group memberships', async () => {
    const user = await create('returner@example.com', { title: 'Engineer', emails: [{ value: 'returner@example.com', type: 'work', primary: true }] });
    const group = (
      await t.http
        .post(`${tenant.base}/Groups`)
        .set(auth())
        .send({ displayName: 'Returners', members: [{ value: user.id }] })
        .expect(201)
    ).body;
    await t.http
      .patch(`${tenant.base}/Users/${user.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', path: 'displayName', value: 'Returner' }] })
      .expect(200);
    await t.http.delete(`${tenant.base}/Users/${user.id}`).set(auth()).expect(204);
    const restored = await restore(user.id).expect(200);
    expectContract(restored.body, 'User');
    expect(restored.body).toMatchObject({
      id: user.id,
      userName: 'returner@example.com',
      title: 'Engineer',
      displayName: 'Returner',
      externalId: 'ext-returner@example.com',
      active: true,
    });
    // It continues from the version it was deleted at (2: created, then patched), never repeating one.
    expect(restored.body.meta.version).toBe('W/"3"');
    expect(restored.body.groups).toBeUndefined();
    const read = await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200);
    expect(read.body.meta.created).toBe(user.meta.created);
    expect(
      (
        await t.http
          .get(`${tenant.base}/Users?filter=${encodeURIComponent('emails.value eq "returner@example.com"')}`)
          .set(auth())
          .expect(200)
      ).body.totalResults,
    ).toBe(1);
    expect((await t.http.get(`${tenant.base}/Groups/${group.id}`).set(auth()).expect(200)).body.members ?? []).toEqual([]);
    const audit = await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?resourceId=${user.id}`).set(admin).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['user.restored', 'user.deleted', 'user.updated', 'user.created']);
    expectScimError(await restore(user.id), 404);
    expect((await deletedList().expect(200)).body.items.some((i: { id: string }) => i.id === user.id)).toBe(false);
  });

  it('pages with limit and cursor, and stays in its tenant', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const user = await create(`pager${i}@example.com`);
      await t.http.delete(`${tenant.base}/Users/${user.id}`).set(auth()).expect(204);
      ids.push(user.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await deletedList(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(
        200,
      );
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expectScimError(await deletedList('?cursor=garbage'), 400, 'invalidValue');
    expectScimError(await deletedList('?limit=0'), 400, 'invalidValue');
    const other = await createTenant(t, 'Deleted other');
    expectScimError(await restore(ids[0], other.id), 404);
    expect((await t.http.get(`/admin/v1/tenants/${other.id}/deleted-users`).set(admin).expect(200)).body.items).toEqual([]);
  });

  it('the nightly job purges users deleted longer ago than the retention period', async () => {
    const user = await create('old.leaver@example.com');
    await t.http.delete(`${tenant.base}/Users/${user.id}`).set(auth()).expect(204);
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    await connection.execute('update deleted_users set deleted_at = ? where id = ?', [
      dialect === 'sqlite' ? longAgo.getTime() : longAgo.toISOString(),
      user.id,
    ]);
    const job = await NestFactory.createApplicationContext(ReconcilerModule.forRoot(t.config), { logger: false });
    try {
      const summary = (await reconcile(job, t.config, pino({ level: 'silent' }), { repair: false })).summary;
      expect(summary.deletedUsersPurged).toBe(1);
    } finally {
      await job.close();
    }
    expectScimError(await restore(user.id), 404);
  });
});
