import { expectScimError } from '../../../test/support/contract-assert';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

describe('SCIM transport', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let auth: { Authorization: string };
  beforeAll(async () => {
    t = await startTestApp('sqlite', { ROSTER_BODY_LIMIT_BYTES: '4096' });
    tenant = await createTenant(t);
    auth = { Authorization: `Bearer ${tenant.token}` };
  });
  afterAll(async () => t?.close());

  const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'transport@example.com' };

  it.each(['application/scim+json', 'application/scim+json; charset=utf-8', 'application/json', 'application/json;charset=UTF-8'])(
    'accepts request bodies as %s',
    async (type) => {
      const res = await t.http
        .post(`${tenant.base}/Users`)
        .set(auth)
        .set('Content-Type', type)
        .send(JSON.stringify({ ...user, userName: `${Math.random()}@example.com` }));
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    },
  );

  it('answers malformed JSON with 400 invalidSyntax', async () => {
    const res = await t.http.post(`${tenant.base}/Users`).set(auth).set('Content-Type', 'application/scim+json').send('{"userName": ');
    expectScimError(res, 400, 'invalidSyntax');
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('answers a body that is not an object with 400 invalidSyntax', async () => {
    expectScimError(await t.http.post(`${tenant.base}/Users`).set(auth).set('Content-Type', 'application/json').send('[1,2]'), 400, 'invalidSyntax');
    expectScimError(await t.http.post(`${tenant.base}/Users`).set(auth).set('Content-Type', 'application/json').send('"x"'), 400, 'invalidSyntax');
  });

  it('answers oversized bodies with 413', async () => {
    const res = await t.http
      .post(`${tenant.base}/Users`)
      .set(auth)
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify({ ...user, title: 'x'.repeat(5000) }));
    expectScimError(res, 413);
  });

  it('answers other media types with 415', async () => {
    expectScimError(await t.http.post(`${tenant.base}/Users`).set(auth).set('Content-Type', 'text/plain').send('hello'), 415);
  });

  it('answers unknown routes under the base URL with a SCIM 404', async () => {
    const res = await t.http.get(`${tenant.base}/Nope`).set(auth);
    expectScimError(res, 404);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('answers wrong methods with 405 and Allow', async () => {
    const res = await t.http.delete(`${tenant.base}/Users`).set(auth);
    expectScimError(res, 405);
    expect(res.headers.allow).toContain('GET');
    expect(res.headers.allow).toContain('POST');
    expectScimError(await t.http.post(`${tenant.base}/ServiceProviderConfig`).set(auth).send({}), 405);
  });

  it('ignores unknown query parameters and tolerates doubled and trailing slashes', async () => {
    await t.http.get(`${tenant.base}/Users?aadOptscim062020&foo=bar`).set(auth).expect(200);
    await t.http.get(`${tenant.base}//Users`).set(auth).expect(200);
    await t.http.get(`${tenant.base}/Users/`).set(auth).expect(200);
  });

  it('accepts a Content-Type header on GET and DELETE without a body (Okta)', async () => {
    await t.http.get(`${tenant.base}/Users`).set(auth).set('Content-Type', 'application/scim+json; charset=utf-8').expect(200);
  });

  it('tells SCIM 1.1 clients to use the v2 base URL (400 invalidVers)', async () => {
    expectScimError(await t.http.get(`/scim/v1/${tenant.slug}/Users`).set(auth), 400, 'invalidVers');
  });

  it('gives every response a request id', async () => {
    const res = await t.http.get(`${tenant.base}/Users`).set(auth).set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});
