import { expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// RFC 7644 completeness: what third-party SCIM test suites exercise beyond Okta's and Entra's flows.
describe.each(dialects())('SCIM protocol completeness on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Protocol');
  });
  afterAll(async () => t?.close());

  it('/Me answers 501 with a SCIM error for every method, and 401 without a token (RFC 7644 §3.11)', async () => {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      expectScimError(await t.http[method](`${tenant.base}/Me`).set(auth()).send(method === 'get' || method === 'delete' ? undefined : {}), 501);
      expectScimError(await t.http[method](`${tenant.base}/Me`), 401);
    }
  });
});
