import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

// Every line logged while serving a request carries its id — the access line, and lines from deep inside
// (here the ORM's SQL log, switched on for the test) — so one request can be followed through the logs.
describe('request ids in logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { ROSTER_SQL_DEBUG: '1' });
  });
  afterAll(async () => t?.close());

  it('tags every line written on behalf of a request with its id, and only those', async () => {
    const tenant = await createTenant(t, 'Logging');
    const before = t.logs.length;
    await t.http
      .post(`${tenant.base}/Users`)
      .set('Authorization', `Bearer ${tenant.token}`)
      .set('X-Request-Id', 'trace-me-123')
      .send({ userName: 'logged@example.com' })
      .expect(201);
    const lines = t.logs.slice(before).map((line) => JSON.parse(line) as { requestId?: string; context?: string; msg: string });
    const sql = lines.filter((line) => line.context === 'mikro-orm');
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.every((line) => line.requestId === 'trace-me-123')).toBe(true);
    expect(lines.find((line) => line.msg === 'request')?.requestId).toBe('trace-me-123');
    // Outside any request (startup, shutdown) lines have none.
    expect(JSON.parse(t.logs[0]).requestId).toBeUndefined();
  });
});
