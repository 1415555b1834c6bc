import { MikroORM } from '@mikro-orm/core';
import { expectContract } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(dialects())('GET /admin/v1/tenants/{id}/health on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_EVENTS_ALLOW_INSECURE: 'true' });
  });
  afterAll(() => t.close());

  it('shows the live figures and the findings that need a person', async () => {
    const tenant = await createTenant(t);
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const fresh = await t.http.get(`/admin/v1/tenants/${tenant.id}/health`).set(admin).expect(200);
    expectContract(fresh.body, 'TenantHealth');
    expect(fresh.body).toMatchObject({
      tenantId: tenant.id,
      slug: tenant.slug,
      scimEnabled: true,
      lastIdpRequestAt: null,
      counts: { users: 0, activeUsers: 0, groups: 0, deletedUsers: 0 },
      findings: [],
    });

    const kept = await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'kept@example.com', externalId: 'e-1' }).expect(201);
    await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'orphan@example.com' }).expect(201);
    const gone = await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'gone@example.com', externalId: 'e-3' }).expect(201);
    await t.http.delete(`${tenant.base}/Users/${gone.body.id}`).set(auth).expect(204);
    await t.http
      .patch(`${tenant.base}/Users/${kept.body.id}`)
      .set(auth)
      .send({ Operations: [{ op: 'replace', path: 'active', value: false }] })
      .expect(200);
    await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'orphan@example.com' }).expect(409); // a failed write
    await t.http.post(`${tenant.base}/Groups`).set(auth).send({ displayName: 'Cohort' }).expect(201);
    await t.http.get(`${tenant.base}/Users`).set('Authorization', 'Bearer rstr-not-a-token').expect(401);
    await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ scope: 'read', expiresInDays: 3 }).expect(201);
    // A user the IdP has not touched for 100 days, and a push stream whose receiver is not there.
    const old = await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'dormant@example.com', externalId: 'e-4' }).expect(201);
    const em = t.app.get(MikroORM).em.fork();
    const longAgo = new Date(Date.now() - 100 * 86_400_000);
    await em
      .getConnection()
      .execute('update users set updated_at = ? where id = ?', [dialect === 'sqlite' ? longAgo.getTime() : longAgo.toISOString(), old.body.id]);
    await t.http
      .post(`/admin/v1/tenants/${tenant.id}/event-streams`)
      .set(admin)
      .send({ delivery: 'push', endpointUrl: 'http://127.0.0.1:9/nowhere' })
      .expect(201);
    await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'event@example.com', externalId: 'e-5' }).expect(201);
    let health: Record<string, unknown> & { findings: { kind: string; count: number; examples: string[] }[] } = { findings: [] };
    for (let i = 0; i < 100 && !health.findings.some((f) => f.kind === 'event-streams-failing'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = (await t.http.get(`/admin/v1/tenants/${tenant.id}/health`).set(admin).expect(200)).body;
    }
    expectContract(health, 'TenantHealth');
    expect(health).toMatchObject({
      counts: { users: 4, activeUsers: 3, groups: 1, deletedUsers: 1 },
      last24h: { authFailures: 1, failedWrites: 1 },
      tokens: { active: 2 },
      eventStreams: { total: 1, failing: 1 },
    });
    expect((health.last24h as { writes: number }).writes).toBeGreaterThanOrEqual(8);
    expect(health.lastIdpRequestAt).not.toBeNull();
    const byKind = Object.fromEntries(health.findings.map((f) => [f.kind, f]));
    expect(byKind['users-without-external-id']).toMatchObject({ count: 1, examples: ['orphan@example.com'] });
    expect(byKind['untouched-active-users']).toMatchObject({ count: 1, examples: ['dormant@example.com'] });
    expect(byKind['tokens-expiring']).toMatchObject({ count: 1 });
    expect(byKind['auth-failures']).toMatchObject({ count: 1 });
    expect(byKind['event-streams-failing']).toMatchObject({ count: 1 });
    expect(byKind['idp-silent']).toBeUndefined(); // a tenant this new is not "silent"
  });

  it('404 for an unknown tenant; 401 without the admin token', async () => {
    await t.http.get('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/health').set(admin).expect(404);
    await t.http.get('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/health').expect(401);
  });
});
