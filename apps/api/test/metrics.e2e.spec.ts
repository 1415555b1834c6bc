import { expectScimError } from '../../../test/support/contract-assert';
import { dialects } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

describe('GET /metrics', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('counts requests by route template and status, SCIM operations by tenant, and rejections', async () => {
    t = await startTestApp('sqlite');
    const tenant = await createTenant(t, 'Metrics');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const user = (await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'metered@example.com' }).expect(201)).body.id;
    await t.http.get(`${tenant.base}/Users/${user}`).set(auth).expect(200);
    await t.http.get(`${tenant.base}/Users`).set('Authorization', 'Bearer wrong').expect(401);
    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(text).toContain('roster_http_requests_total{method="GET",route="/scim/v2/:tenant/Users/:id",status="200"} 1');
    expect(text).toContain(`roster_scim_operations_total{tenant="${tenant.id}",resource="Users",method="POST",status="201"} 1`);
    expect(text).toContain('roster_auth_rejections_total{status="401"} 1');
    expect(text).toMatch(/roster_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/scim\/v2\/:tenant\/Users",status="201"\}/);
    expect(text).toContain('roster_process_cpu_seconds_total');
    expect(text).not.toContain(user); // concrete ids never become labels
    expect(text).not.toContain(tenant.token);
  });

  it.each(dialects())('shows the event backlog and failing streams, and the PostgreSQL pool (%s)', async (dialect) => {
    t = await startTestApp(dialect);
    const tenant = await createTenant(t, 'Backlog');
    await t.http.post(`/admin/v1/tenants/${tenant.id}/event-streams`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ delivery: 'poll' }).expect(201);
    for (const name of ['a', 'b', 'c'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set('Authorization', `Bearer ${tenant.token}`)
        .send({ userName: `${name}@example.com` })
        .expect(201);
    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(text).toMatch(/^roster_event_backlog 3$/m);
    expect(text).toMatch(/^roster_event_streams_failing 0$/m);
    if (dialect === 'postgresql') expect(text).toMatch(/^roster_db_pool_connections\{state="total"\} [1-9]/m);
    else expect(text).not.toMatch(/^roster_db_pool_connections\{/m);
  });

  it('requires ROSTER_METRICS_TOKEN when it is set', async () => {
    t = await startTestApp('sqlite', { ROSTER_METRICS_TOKEN: 'metrics-secret-123' });
    expectScimError(await t.http.get('/metrics'), 401);
    expectScimError(await t.http.get('/metrics').set('Authorization', 'Bearer nope'), 401);
    await t.http.get('/metrics').set('Authorization', 'Bearer metrics-secret-123').expect(200);
  });
});
