import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';

reportSkippedPostgres();

describe.each(dialects())('foundation on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('answers /health once migrated', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: dialect });
  });

  it('passes the Okta and Entra connection tests on an empty tenant', async () => {
    const tenant = await createTenant(t);
    const okta = await t.http.get(`${tenant.base}/Users?startIndex=1&count=2`).set('Authorization', `Bearer ${tenant.token}`).expect(200);
    expect(okta.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(okta.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const entra = await t.http
      .get(`${tenant.base}/Users?filter=userName+eq+%22a0f1c3f2-5c7e-4b5a-9e4e-3b2f8d1a6c11%22&aadOptscim062020`)
      .set('Authorization', `Bearer ${tenant.token}`)
      .expect(200);
    expect(entra.body.totalResults).toBe(0);
    expect(entra.body.Resources).toEqual([]);
    const groups = await t.http
      .get(`${tenant.base}/Groups?excludedAttributes=members&filter=displayName+eq+%22a0f1c3f2-5c7e-4b5a-9e4e-3b2f8d1a6c11%22`)
      .set('Authorization', `Bearer ${tenant.token}`)
      .expect(200);
    expect(groups.body).toMatchObject({ totalResults: 0, Resources: [] });
    await t.http.get(`${tenant.base}/Groups?startIndex=1&count=100`).set('Authorization', `Bearer ${tenant.token}`).expect(200);
  });

  it('rejects a missing token with a SCIM 401', async () => {
    const tenant = await createTenant(t);
    const res = await t.http.get(`${tenant.base}/Users`).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(res.body.status).toBe('401');
  });

  it('accepts the bare token (Okta HTTP Header mode)', async () => {
    const tenant = await createTenant(t);
    await t.http.get(`${tenant.base}/Users`).set('Authorization', tenant.token).expect(200);
  });
});
