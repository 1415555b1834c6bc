import { dialects } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

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

// ROSTER_SQL_DEBUG logs hand-written statements and leaves how they run alone: the ORM's inlining of
// parameters once wrote the page's array of user ids as a list, a syntax error on PostgreSQL (a 500 per page).
describe.each(dialects())('SQL logging on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_SQL_DEBUG: '1' });
  });
  afterAll(async () => t?.close());

  it('lists users in groups as without it, and logs each statement with its parameters', async () => {
    const tenant = await createTenant(t, 'SQL log');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const user = (await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'member@example.com' }).expect(201)).body.id;
    await t.http
      .post(`${tenant.base}/Groups`)
      .set(auth)
      .send({ displayName: 'Logged', members: [{ value: user }] })
      .expect(201);
    const before = t.logs.length;
    const page = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName sw "member"')}`)
      .set(auth)
      .expect(200);
    expect(page.body.Resources[0].groups).toEqual([expect.objectContaining({ display: 'Logged' })]);
    const sql = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context === 'mikro-orm')
      .map((line) => line.msg);
    expect(sql.some((msg) => msg.includes('FROM group_members') && msg.includes(user))).toBe(true);
    expect(sql.some((msg) => /FROM users r .* -- \[.*"member/s.test(msg))).toBe(true);
  });

  it('reads the first page of a trigram-led filter and its totalResults in one statement', async () => {
    const tenant = await createTenant(t, 'One pass');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    for (const name of ['many.a', 'many.b', 'many.c', 'other.d'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth)
        .send({ userName: `${name}@example.com` })
        .expect(201);
    const filter = encodeURIComponent('userName co "many."');
    const statementsOf = async (path: string) => {
      const before = t.logs.length;
      const body = (await t.http.get(path).set(auth).expect(200)).body as { totalResults: number; itemsPerPage: number; Resources: { userName: string }[] };
      const users = t.logs
        .slice(before)
        .map((line) => JSON.parse(line) as { context?: string; msg: string })
        .filter((line) => line.context === 'mikro-orm' && /\b(FROM|JOIN) users r\b/.test(line.msg));
      return { body, statements: users.map((line) => line.msg) };
    };
    const first = await statementsOf(`${tenant.base}/Users?filter=${filter}&startIndex=1&count=2`);
    expect(first.body.totalResults).toBe(3);
    expect(first.body.Resources.map((r) => r.userName)).toEqual(['many.a@example.com', 'many.b@example.com']);
    expect(first.statements).toHaveLength(1);
    // Both take the matches whole first: PostgreSQL through its trigram index (under the page's LIMIT it would
    // walk the tenant's creation order), SQLite from its trigram table alone, which copies tenant and creation time.
    expect(first.statements[0]).toContain('AS MATERIALIZED');
    if (dialect === 'postgresql') expect(first.statements[0]).toContain('count(*) OVER ()');
    else expect(first.statements[0]).toMatch(/FROM user_search s WHERE s\.tenant_id = \?.*\(SELECT count\(\*\) FROM page_matches\)/s);
    // A later page counts on its own, as before; both say the same total.
    const second = await statementsOf(`${tenant.base}/Users?filter=${filter}&startIndex=3&count=2`);
    expect(second.body.totalResults).toBe(3);
    expect(second.body.Resources.map((r) => r.userName)).toEqual(['many.c@example.com']);
  });

  it("reads a walk's full pages and the tenant's count in one statement", async () => {
    const tenant = await createTenant(t, 'Walked');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth)
        .send({ userName: `walk.${name}@example.com` })
        .expect(201);
    const pageOf = async (query: string) => {
      const before = t.logs.length;
      const body = (await t.http.get(`${tenant.base}/Users?${query}`).set(auth).expect(200)).body as {
        totalResults: number;
        nextCursor?: string;
        Resources: { userName: string }[];
      };
      const all = t.logs
        .slice(before)
        .map((line) => JSON.parse(line) as { context?: string; msg: string })
        .filter((line) => line.context === 'mikro-orm')
        .map((line) => line.msg);
      return { body, all, statements: all.filter((msg) => /\bFROM (users r|resource_counts)\b/.test(msg)) };
    };
    for (const query of ['startIndex=1&count=2', 'startIndex=3&count=2', 'count=2&cursor=']) {
      const { body, all, statements } = await pageOf(query);
      expect(body.totalResults).toBe(5);
      expect(body.Resources).toHaveLength(2);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/FROM resource_counts[\s\S]*FROM users r/);
      // Its users belong to no group, which the page's statement says: no statement asks for their groups.
      expect(all.filter((msg) => msg.includes('JOIN groups g'))).toEqual([]);
    }
  });

  // SQLite compiles a statement again each time a parameter it planned with is bound, and it plans with a
  // LIMIT's value: a bound LIMIT made every page, lookup and log read compile its statement anew.
  it('writes every LIMIT into the statement on SQLite', async () => {
    const tenant = await createTenant(t, 'Limits');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    for (const name of ['a', 'b', 'c'])
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth)
        .send({ userName: `limit.${name}@example.com` })
        .expect(201);
    const before = t.logs.length;
    for (const query of [
      `filter=${encodeURIComponent('userName eq "limit.b@example.com"')}`,
      `filter=${encodeURIComponent('userName co "limit"')}&count=2`,
      'startIndex=1&count=2',
      'startIndex=3&count=2',
      'count=2&cursor=',
    ])
      await t.http.get(`${tenant.base}/Users?${query}`).set(auth).expect(200);
    await t.http.get(`${tenant.base}/Groups?count=5`).set(auth).expect(200);
    await t.http.get(`/admin/v1/tenants/${tenant.id}/scim-requests?limit=5`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const statements = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context === 'mikro-orm' && /\blimit\b/i.test(line.msg))
      .map((line) => line.msg);
    expect(statements.length).toBeGreaterThan(5);
    const bound = statements.filter((msg) => /\blimit \?/i.test(msg));
    // PostgreSQL plans a statement that carries a client's filter (never kept prepared) for the values bound
    // to it each time, its LIMIT's among them: there a bound LIMIT costs nothing more.
    expect(bound).toEqual(dialect === 'sqlite' ? [] : [expect.stringContaining('user_name_ci = ?'), expect.stringContaining('user_name_ci LIKE ?')]);
  });
});
