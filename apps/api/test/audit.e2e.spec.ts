import { MikroORM } from '@mikro-orm/core';
import { AuditQueryService, UsersService } from '@roster/directory';
import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
type Event = {
  action: string;
  outcome: string;
  resource: { id: string | null; name: string | null; externalId: string | null };
  changes: { path: string; before: unknown; after: unknown }[];
  actor: { type: string; tokenId?: string };
  httpStatus: number;
  scimType: string | null;
  detail: string | null;
  requestId: string | null;
  userAgent: string | null;
};

describe.each(dialects())('audit trail on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}`, 'User-Agent': 'Okta SCIM Client 1.0.0' });
  const events = async (query = '', who: TestTenant = tenant): Promise<Event[]> => {
    const res = await t.http.get(`/admin/v1/tenants/${who.id}/audit-events?limit=500${query}`).set(admin).expect(200);
    expectContract(res.body, 'AuditEventPage');
    return res.body.items;
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Audited');
  });
  afterAll(async () => t?.close());

  it('records admin actions: tenant created and updated, token issued and revoked', async () => {
    const other = await createTenant(t, 'Admin actions');
    await t.http.patch(`/admin/v1/tenants/${other.id}`).set(admin).send({ name: 'Renamed actions' }).expect(200);
    await t.http.post(`/admin/v1/tenants/${other.id}/tokens`).set(admin).send({ description: 'rotation' }).expect(201);
    const all = await events('', other);
    expect(all.map((e) => e.action).reverse()).toEqual(['tenant.created', 'token.issued', 'tenant.updated', 'token.revoked', 'token.issued']);
    expect(all.every((e) => e.actor.type === 'admin')).toBe(true);
    expect(all.find((e) => e.action === 'tenant.updated')!.changes).toEqual([{ path: 'name', before: 'Admin actions', after: 'Renamed actions' }]);
  });

  it('records every user write with who, what and the attribute diff', async () => {
    const created = (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .set('X-Request-Id', 'req-create-1')
        .send({ userName: 'audit@example.com', externalId: '00u1', name: { givenName: 'Au' }, password: 'Secret-Pass-1' })
        .expect(201)
    ).body;
    await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', path: 'name.givenName', value: 'Dit' }] })
      .expect(200);
    await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', value: { active: false } }] })
      .expect(200);
    await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', value: { active: true } }] })
      .expect(200);
    await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', value: { active: true } }] })
      .expect(200); // no change, no event
    await t.http.delete(`${tenant.base}/Users/${created.id}`).set(auth()).expect(204);
    const trail = (await events(`&resourceId=${created.id}`)).reverse();
    expect(trail.map((e) => e.action)).toEqual(['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted']);
    const [create, update, deactivate] = trail;
    expect(create).toMatchObject({
      outcome: 'success',
      httpStatus: 201,
      requestId: 'req-create-1',
      userAgent: 'Okta SCIM Client 1.0.0',
      resource: { id: created.id, name: 'audit@example.com', externalId: '00u1' },
    });
    expect(create.actor).toEqual({ type: 'scim-token', tokenId: expect.any(String) });
    expect(create.changes).toEqual(
      expect.arrayContaining([
        { path: 'userName', before: null, after: 'audit@example.com' },
        { path: 'name.givenName', before: null, after: 'Au' },
      ]),
    );
    expect(update.changes).toEqual([{ path: 'name.givenName', before: 'Au', after: 'Dit' }]);
    expect(deactivate.changes).toEqual([{ path: 'active', before: true, after: false }]);
  });

  it('records group creation, rename, member adds and removes, deletion', async () => {
    const u = (await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'member@example.com' }).expect(201)).body.id;
    const g = (await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Audited group' }).expect(201)).body.id;
    await t.http
      .patch(`${tenant.base}/Groups/${g}`)
      .set(auth())
      .send({
        Operations: [
          { op: 'add', path: 'members', value: [{ value: u }] },
          { op: 'replace', path: 'displayName', value: 'Renamed' },
        ],
      })
      .expect(204);
    await t.http
      .patch(`${tenant.base}/Groups/${g}`)
      .set(auth())
      .send({ Operations: [{ op: 'remove', path: `members[value eq "${u}"]` }] })
      .expect(204);
    await t.http.delete(`${tenant.base}/Groups/${g}`).set(auth()).expect(204);
    const trail = (await events(`&resourceId=${g}`)).reverse();
    expect(trail.map((e) => e.action)).toEqual(['group.created', 'group.members_added', 'group.updated', 'group.members_removed', 'group.deleted']);
    expect(trail[1].changes).toEqual([{ path: 'members', before: null, after: [u] }]);
    expect(trail[2].changes).toEqual([{ path: 'displayName', before: 'Audited group', after: 'Renamed' }]);
  });

  it('records rejected writes as failures with the reason and the attempted identity', async () => {
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'twice@example.com' }).expect(201);
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'TWICE@example.com', externalId: '00u9' }).expect(409);
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'bad@example.com', active: 'perhaps' }).expect(400);
    await t.http
      .patch(`${tenant.base}/Users/00000000-0000-4000-8000-000000000000`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', path: 'title', value: 'x' }] })
      .expect(404);
    const failures = await events('&outcome=failure');
    const conflict = failures.find((e) => e.httpStatus === 409)!;
    expect(conflict).toMatchObject({ action: 'user.created', scimType: 'uniqueness', resource: { name: 'TWICE@example.com', externalId: '00u9', id: null } });
    expect(conflict.detail).toContain('userName');
    expect(failures.find((e) => e.httpStatus === 400)).toMatchObject({ scimType: 'invalidValue', resource: { name: 'bad@example.com' } });
    expect(failures.find((e) => e.httpStatus === 404)).toMatchObject({ action: 'user.updated', resource: { id: '00000000-0000-4000-8000-000000000000' } });
    // the failed create left no success event and no user behind
    expect((await events('&action=user.created&outcome=success')).filter((e) => e.resource.name?.toLowerCase() === 'twice@example.com')).toHaveLength(1);
  });

  it('filters by action, outcome and time, newest first, with keyset pagination', async () => {
    const all = await events();
    const times = all.map((e) => (e as unknown as { occurredAt: string }).occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.http
        .get(`/admin/v1/tenants/${tenant.id}/audit-events?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .set(admin)
        .expect(200);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => (e as unknown as { id: string }).id));
    expect(await events(`&since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect((await events('&action=user.deleted')).every((e) => e.action === 'user.deleted')).toBe(true);
    expectScimError(await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?cursor=garbage`).set(admin), 400, 'invalidValue');
    expectScimError(await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?limit=0`).set(admin), 400, 'invalidValue');
    expectScimError(await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?since=yesterday`).set(admin), 400, 'invalidValue');
  });

  it('is strictly tenant-scoped', async () => {
    const other = await createTenant(t, 'Other audited');
    const theirs = await events('', other);
    expect(theirs.every((e) => e.resource.name !== 'audit@example.com')).toBe(true);
    expect(theirs.map((e) => e.action).sort()).toEqual(['tenant.created', 'token.issued']);
    expect(theirs.every((e) => !JSON.stringify(e).includes(tenant.id))).toBe(true);
    expectScimError(await t.http.get('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/audit-events').set(admin), 404);
    expectScimError(await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events`), 401);
  });

  it('a write that fails mid-transaction leaves neither the change nor a success event', async () => {
    const users = t.app.get(UsersService);
    const orm = t.app.get(MikroORM);
    const count = async () =>
      Number(
        (
          (await orm.em.fork().getConnection().execute("select count(*) as n from audit_events where action = 'user.created' and outcome = 'success'")) as {
            n: number;
          }[]
        )[0].n,
      );
    const before = await count();
    // The audit event is persisted, then the flush fails on the unique index: the transaction rolls back.
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'crash@example.com' }).expect(201);
    await expect(
      users.create(
        { tenantId: tenant.id, tokenId: 'x', scope: 'provision', eventStreams: false, baseUrl: 'https://x', ratePerSecond: 50 },
        { userName: 'crash@example.com' },
        { actor: { type: 'admin' } },
      ),
    ).rejects.toMatchObject({ status: 409 });
    expect(await count()).toBe(before + 1);
    const rows = (await orm.em.fork().getConnection().execute("select count(*) as n from users where user_name_ci = 'crash@example.com'")) as { n: number }[];
    expect(Number(rows[0].n)).toBe(1);
  });

  it('never records passwords, tokens or Authorization headers', async () => {
    await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'pw@example.com', password: 'Hunter2-Secret' }).expect(201);
    const orm = t.app.get(MikroORM);
    const dump = JSON.stringify(await orm.em.fork().getConnection().execute('select * from audit_events'));
    expect(dump).not.toContain('Hunter2-Secret');
    expect(dump).not.toContain('Secret-Pass-1');
    expect(dump).not.toContain(tenant.token);
    expect(dump.toLowerCase()).not.toContain('bearer');
    const api = JSON.stringify(await events());
    expect(api).not.toContain('Hunter2-Secret');
    expect(api).not.toContain(tenant.token);
  });

  it('reports authentication failures per hour', async () => {
    await t.http.get(`${tenant.base}/Users`).set('Authorization', 'Bearer nope').expect(401);
    const res = await t.http.get(`/admin/v1/tenants/${tenant.id}/auth-failures`).set(admin).expect(200);
    expectContract(res.body, 'AuthFailureList');
    expect(res.body.items[0]).toMatchObject({ window: new Date().toISOString().slice(0, 13), count: expect.any(Number) });
  });

  it('prunes events older than the retention period', async () => {
    const query = t.app.get(AuditQueryService);
    const removedNone = await query.prune(365);
    expect(removedNone).toBe(0);
    const removed = await query.prune(1, new Date(Date.now() + 2 * 86_400_000));
    expect(removed).toBeGreaterThan(0);
    expect(await events()).toEqual([]);
  });
});
