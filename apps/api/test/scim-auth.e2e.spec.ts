import { MikroORM } from '@mikro-orm/core';
import { expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(dialects())('SCIM authentication on %s', (dialect) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await createTenant(t, 'Auth A');
    b = await createTenant(t, 'Auth B');
  });
  afterAll(async () => t?.close());

  const users = (tenant: TestTenant, authorization?: string) => {
    const req = t.http.get(`${tenant.base}/Users`);
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('accepts Bearer, bearer and the bare token, and the tenant id in place of the slug', async () => {
    await users(a, `Bearer ${a.token}`).expect(200);
    await users(a, `bearer ${a.token}`).expect(200);
    await users(a, a.token).expect(200);
    await t.http.get(`/scim/v2/${a.id}/Users`).set('Authorization', `Bearer ${a.token}`).expect(200);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['malformed', 'Bearer'],
    ['malformed with spaces', 'Bearer a b c'],
    ['unknown', 'Bearer rstr-not-a-real-token'],
    ['Basic with a wrong password', 'Basic dXNlcjpwYXNz'],
    ['Basic without credentials', 'Basic Og=='],
    ['Okta SPEC test "non-token"', 'non-token'],
  ])('rejects a %s token with 401 and WWW-Authenticate', async (_name, authorization) => {
    const res = await users(a, authorization);
    expectScimError(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('accepts the token as a Basic password, or as the Basic user name (legacy clients)', async () => {
    await users(a, `Basic ${Buffer.from(`okta:${a.token}`).toString('base64')}`).expect(200);
    await users(a, `Basic ${Buffer.from(`${a.token}:`).toString('base64')}`).expect(200);
    expectScimError(await users(a, `Basic ${Buffer.from(`okta:${b.token}`).toString('base64')}`), 401);
  });

  it("rejects another tenant's token, in both directions", async () => {
    expectScimError(await users(a, `Bearer ${b.token}`), 401);
    expectScimError(await users(b, `Bearer ${a.token}`), 401);
  });

  it('rejects an unknown tenant with 401, not 404 (no tenant enumeration)', async () => {
    expectScimError(await t.http.get('/scim/v2/no-such-tenant/Users').set('Authorization', `Bearer ${a.token}`), 401);
  });

  it('revokes earlier tokens when a new one is issued', async () => {
    const tenant = await createTenant(t, 'Rotate');
    const next = (await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({}).expect(201)).body.token;
    expectScimError(await users(tenant, `Bearer ${tenant.token}`), 401);
    await users(tenant, `Bearer ${next}`).expect(200);
  });

  it('keeps earlier tokens valid during a rotation overlap', async () => {
    const tenant = await createTenant(t, 'Overlap');
    const next = (await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ revokeOthersAfterSeconds: 3600 }).expect(201)).body.token;
    await users(tenant, `Bearer ${tenant.token}`).expect(200);
    await users(tenant, `Bearer ${next}`).expect(200);
    const list = (await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200)).body.items;
    const old = list.find((x: { revokedAt: string | null }) => x.revokedAt !== null);
    expect(new Date(old.revokedAt).getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('rejects a revoked token', async () => {
    const tenant = await createTenant(t, 'Revoked');
    const tokens = (await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200)).body.items;
    await t.http.delete(`/admin/v1/tenants/${tenant.id}/tokens/${tokens[0].id}`).set(admin).expect(204);
    expectScimError(await users(tenant, `Bearer ${tenant.token}`), 401);
  });

  it('rejects an expired token', async () => {
    const tenant = await createTenant(t, 'Expired');
    const em = t.app.get(MikroORM).em.fork();
    await em
      .getConnection()
      .execute('update scim_tokens set expires_at = ? where tenant_id = ?', [
        dialect === 'sqlite' ? Date.now() - 1000 : new Date(Date.now() - 1000).toISOString(),
        tenant.id,
      ]);
    expectScimError(await users(tenant, `Bearer ${tenant.token}`), 401);
  });

  it('answers 403 for a tenant with SCIM disabled, and 200 again once re-enabled', async () => {
    const tenant = await createTenant(t, 'Disabled');
    await t.http.patch(`/admin/v1/tenants/${tenant.id}`).set(admin).send({ scimEnabled: false }).expect(200);
    expectScimError(await users(tenant, `Bearer ${tenant.token}`), 403);
    await t.http.patch(`/admin/v1/tenants/${tenant.id}`).set(admin).send({ scimEnabled: true }).expect(200);
    await users(tenant, `Bearer ${tenant.token}`).expect(200);
  });

  it('records lastUsedAt without a write per request', async () => {
    const tenant = await createTenant(t, 'Last used');
    await users(tenant, `Bearer ${tenant.token}`).expect(200);
    const first = (await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200)).body.items[0].lastUsedAt;
    expect(first).not.toBeNull();
    await users(tenant, `Bearer ${tenant.token}`).expect(200);
    const second = (await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200)).body.items[0].lastUsedAt;
    expect(second).toBe(first); // within the minute: not rewritten
  });

  it('counts authentication failures per tenant and hour instead of one event each', async () => {
    const tenant = await createTenant(t, 'Counted');
    for (let i = 0; i < 5; i++) await users(tenant, 'Bearer wrong').expect(401);
    const em = t.app.get(MikroORM).em.fork();
    const rows = (await em.getConnection().execute('select count from auth_failure_counters where tenant_id = ?', [tenant.id])) as { count: number | string }[];
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].count)).toBe(5);
  });

  it('never logs tokens or Authorization headers', async () => {
    await users(a, `Bearer ${a.token}`).expect(200);
    // (a fresh tenant: tenant A's URL has seen more failures from this client than the throttle allows)
    await users(await createTenant(t, 'Logs'), 'Bearer rstr-leaked-candidate').expect(401);
    const logs = t.logs.join('\n');
    expect(logs).not.toContain(a.token);
    expect(logs).not.toContain('rstr-leaked-candidate');
    expect(logs.toLowerCase()).not.toContain('authorization');
  });
});
