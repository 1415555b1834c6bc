import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(dialects())('admin API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_PUBLIC_URL: 'https://roster.example.com' });
  });
  afterAll(async () => t?.close());

  it('creates, reads, lists and updates tenants', async () => {
    const created = await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Acme Corp_Ltd' }).expect(201);
    expectContract(created.body, 'CreatedTenant');
    expect(created.body).toMatchObject({ name: 'Acme Corp_Ltd', slug: 'acme-corp-ltd', scimEnabled: true });
    // The tenant comes with its first token, as from `tenants create`: both things to paste into the IdP.
    const { token: issued, ...tenant } = created.body;
    expect(issued).toMatchObject({ scope: 'provision', token: expect.stringMatching(/^rstr-/) });
    await t.http.get('/scim/v2/acme-corp-ltd/Users').set('Authorization', `Bearer ${issued.token}`).expect(200);
    const tokens = await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200);
    expect(tokens.body.items.map((x: { id: string }) => x.id)).toEqual([issued.id]);
    expect(created.body.scimBaseUrl).toBe('https://roster.example.com/scim/v2/acme-corp-ltd');
    expect(created.body.scimBaseUrl).not.toContain('_');

    const again = await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Acme Corp_Ltd' }).expect(201);
    expect(again.body.slug).toMatch(/^acme-corp-ltd-[0-9a-f]{6}$/);

    const got = await t.http.get(`/admin/v1/tenants/${created.body.id}`).set(admin).expect(200);
    expect(got.body).toEqual(tenant);
    const list = await t.http.get('/admin/v1/tenants').set(admin).expect(200);
    expectContract(list.body, 'TenantList');
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([created.body.id, again.body.id]));

    const patched = await t.http.patch(`/admin/v1/tenants/${created.body.id}`).set(admin).send({ name: 'Acme', scimEnabled: false }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Acme', scimEnabled: false, slug: 'acme-corp-ltd' });
  });

  it('uses the request host when ROSTER_PUBLIC_URL is unset', async () => {
    const local = await startTestApp(dialect, { ROSTER_PUBLIC_URL: '' });
    try {
      const res = await local.http.post('/admin/v1/tenants').set(admin).set('Host', 'scim.acme.test:8443').send({ name: 'Hosted', slug: 'hosted' }).expect(201);
      expect(res.body.scimBaseUrl).toBe('http://scim.acme.test:8443/scim/v2/hosted');
    } finally {
      await local.close();
    }
  });

  it('rejects bad bodies, bad slugs, duplicate slugs and unknown tenants', async () => {
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({}), 400, 'invalidValue');
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 42 }), 400, 'invalidValue');
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'x', extra: 1 }), 400, 'invalidValue');
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'x', slug: 'Bad_Slug' }), 400, 'invalidValue');
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).set('Content-Type', 'application/json').send('{"name":'), 400, 'invalidSyntax');
    await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Dup', slug: 'dup' }).expect(201);
    expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Dup 2', slug: 'dup' }), 409, 'uniqueness');
    expectScimError(await t.http.get('/admin/v1/tenants/00000000-0000-4000-8000-000000000000').set(admin), 404);
    expectScimError(await t.http.get('/admin/v1/tenants/not-a-uuid').set(admin), 404);
    expectScimError(await t.http.patch('/admin/v1/tenants/00000000-0000-4000-8000-000000000000').set(admin).send({ name: 'x' }), 404);
    expectScimError(await t.http.post('/admin/v1/tenants/00000000-0000-4000-8000-000000000000/tokens').set(admin).send({}), 404);
  });

  it('requires the admin token', async () => {
    expectScimError(await t.http.get('/admin/v1/tenants'), 401);
    expectScimError(await t.http.get('/admin/v1/tenants').set('Authorization', 'Bearer wrong-token-wrong-token'), 401);
    expectScimError(await t.http.get('/admin/v1/tenants').set('Authorization', ADMIN_TOKEN), 401);
  });

  it('answers 503 with instructions when ROSTER_ADMIN_TOKEN is unset — never open', async () => {
    const closed = await startTestApp(dialect, { ROSTER_ADMIN_TOKEN: '' });
    try {
      const res = await closed.http.get('/admin/v1/tenants').set(admin);
      expectScimError(res, 503);
      expect(res.body.detail).toContain('ROSTER_ADMIN_TOKEN');
      expectScimError(await closed.http.get('/admin/v1/tenants'), 503);
    } finally {
      await closed.close();
    }
  });

  it('issues tokens shown once, lists metadata only and revokes them', async () => {
    const tenant = (await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Tokens' }).expect(201)).body;
    const issued = await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ description: 'Okta', expiresInDays: 30 }).expect(201);
    expectContract(issued.body, 'IssuedToken');
    expect(issued.body.token).toMatch(/^rstr-[A-Za-z0-9_-]{43}$/);
    expect(issued.body.token.startsWith(issued.body.prefix)).toBe(true);
    expect(new Date(issued.body.expiresAt).getTime() - new Date(issued.body.createdAt).getTime()).toBe(30 * 86_400_000);

    const list = await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200);
    expectContract(list.body, 'TokenList');
    // Newest first: the new token, then the tenant's first one, which issuing the new one revoked.
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([issued.body.id, tenant.token.id]);
    expect(JSON.stringify(list.body)).not.toContain(issued.body.token);
    expect(JSON.stringify(list.body)).not.toContain(tenant.token.token);
    expect(list.body.items[0]).toMatchObject({ id: issued.body.id, description: 'Okta', revokedAt: null, lastUsedAt: null });
    expect(list.body.items[1].revokedAt).not.toBeNull();

    await t.http.delete(`/admin/v1/tenants/${tenant.id}/tokens/${issued.body.id}`).set(admin).expect(204);
    await t.http.delete(`/admin/v1/tenants/${tenant.id}/tokens/${issued.body.id}`).set(admin).expect(204);
    const after = await t.http.get(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).expect(200);
    expect(after.body.items[0].revokedAt).not.toBeNull();
    expectScimError(await t.http.delete(`/admin/v1/tenants/${tenant.id}/tokens/00000000-0000-4000-8000-000000000000`).set(admin), 404);
    expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ revokeOthersAfterSeconds: 604801 }), 400, 'invalidValue');
    expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({ expiresInDays: 'soon' }), 400, 'invalidValue');
  });

  it('stores tokens only as hashes', async () => {
    const tenant = (await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Hashes' }).expect(201)).body;
    const issued = (await t.http.post(`/admin/v1/tenants/${tenant.id}/tokens`).set(admin).send({}).expect(201)).body;
    const { MikroORM } = await import('@mikro-orm/core');
    const rows = await t.app.get(MikroORM).em.fork().getConnection().execute('select * from scim_tokens');
    expect(JSON.stringify(rows)).not.toContain(issued.token);
    expect(JSON.stringify(rows)).not.toContain(tenant.token.token);
    const audit = await t.app.get(MikroORM).em.fork().getConnection().execute('select * from audit_events');
    expect(JSON.stringify(audit)).not.toContain(issued.token);
    expect(JSON.stringify(audit)).not.toContain(tenant.token.token);
    expect(t.logs.join('\n')).not.toContain(issued.token);
    expect(t.logs.join('\n')).not.toContain(tenant.token.token);
  });
});
