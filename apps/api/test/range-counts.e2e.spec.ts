import { MikroORM } from '@mikro-orm/core';
import { insertUsers } from '../../../test/support/bulk-users';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

/**
 * `meta.lastModified gt …` (and the other ranges of a time every row has) is counted from its smaller side:
 * few matches are counted, few rows on the other side are taken from the tenant's kept count, and only with
 * both sides large is the range counted whole (resource-query.ts, countRangeSides, 1,000 rows a side).
 */
describe.each(dialects())('totals of a range of meta.lastModified and meta.created on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const users = 2500;
  const base = Date.parse('2026-03-01T00:00:00Z');
  // User n (1…2,500) was created and last modified n seconds after `base`.
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();

  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_SQL_DEBUG: '1' });
    tenant = await createTenant(t, 'Ranges');
    other = await createTenant(t, 'Ranges elsewhere');
    await insertUsers(t, tenant.id, users, { prefix: 'range-', base });
    // Another tenant's users, changed in the same seconds, are in neither side's count.
    for (const name of ['a', 'b', 'c'])
      await t.http
        .post(`${other.base}/Users`)
        .set({ Authorization: `Bearer ${other.token}` })
        .send({ userName: `elsewhere.${name}@example.com` })
        .expect(201);
  });
  afterAll(async () => t?.close());

  const total = async (filter: string, count: number) =>
    (
      await t.http
        .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&count=${count}`)
        .set({ Authorization: `Bearer ${tenant.token}` })
        .expect(200)
    ).body.totalResults as number;

  it.each([
    // few matches: counted
    [`meta.lastModified gt "${at(2490)}"`, 10],
    [`meta.created le "${at(10)}"`, 10],
    // few on the other side: the tenant's 2,500 less them
    [`meta.lastModified gt "${at(10)}"`, 2490],
    [`meta.lastModified ge "${at(10)}"`, 2491],
    [`meta.created lt "${at(2490)}"`, 2489],
    // neither side small: counted whole
    [`meta.lastModified gt "${at(1250)}"`, 1250],
    [`meta.created le "${at(1250)}"`, 1250],
    // all and none
    [`meta.lastModified gt "${at(0)}"`, users],
    [`meta.lastModified gt "${at(2500)}"`, 0],
  ])('%s: %d', async (filter, expected) => {
    expect(await total(filter, 0)).toBe(expected);
    expect(await total(filter, 5)).toBe(expected);
  });

  const statementsDuring = async (filter: string) => {
    const before = t.logs.length;
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&count=100`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(200);
    const statements = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context === 'mikro-orm' && line.msg.includes('FROM users r'))
      .map((line) => /^\[query\] ([\s\S]*) -- (\[.*\]) \[took/.exec(line.msg)!)
      .map(([, sql, params]) => ({ sql, params: JSON.parse(params) as unknown[] }));
    return { body: res.body as { totalResults: number; Resources: { userName: string }[] }, statements };
  };

  it('answers a range no one is in without reading a page', async () => {
    const { body, statements } = await statementsDuring(`meta.lastModified gt "${at(2500)}"`);
    expect(body.totalResults).toBe(0);
    if (dialect === 'sqlite') expect(statements.filter(({ sql }) => !sql.includes('AS others'))).toEqual([]);
  });

  it('reads a range few are in from its own index, in creation order', async () => {
    const { body, statements } = await statementsDuring(`meta.lastModified gt "${at(2490)}"`);
    expect(body.totalResults).toBe(10);
    expect(body.Resources.map((user) => user.userName)).toEqual(Array.from({ length: 10 }, (_, i) => `range-${2491 + i}`));
    if (dialect !== 'sqlite') return;
    // A page of 100 ordered by the creation-order index: SQLite read every user of the tenant to find the ten.
    const page = statements.find(({ sql }) => !sql.includes('AS others'))!;
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    // The read workers' budget check is a function of their connections alone; the plan is the same without it.
    const sql = page.sql.replace('roster_within_budget()', '1');
    const plan = (await connection.execute(`EXPLAIN QUERY PLAN ${sql}`, page.params)).map((row: { detail: string }) => row.detail).join('\n');
    expect(plan).toContain('users_tenant_updated_idx');
    expect(plan).not.toContain('users_tenant_created_idx');
  });

  it('pages through a range few are in, by index and by cursor, each page from its own index', async () => {
    const filter = encodeURIComponent(`meta.lastModified gt "${at(2250)}"`);
    const expected = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `range-${from + i}`);
    const get = async (query: string) => {
      const before = t.logs.length;
      const res = await t.http
        .get(`${tenant.base}/Users?filter=${filter}&count=100&${query}`)
        .set({ Authorization: `Bearer ${tenant.token}` })
        .expect(200);
      const pages = t.logs
        .slice(before)
        .map((line) => JSON.parse(line) as { context?: string; msg: string })
        .filter((line) => line.context === 'mikro-orm' && line.msg.includes('FROM users r') && !line.msg.includes('AS others'))
        .map((line) => /^\[query\] ([\s\S]*) -- (\[.*\]) \[took/.exec(line.msg)!);
      if (dialect === 'sqlite')
        for (const [, sql, params] of pages) {
          const connection = t.app.get(MikroORM).em.fork().getConnection();
          const plan = await connection.execute(`EXPLAIN QUERY PLAN ${sql.replace('roster_within_budget()', '1')}`, JSON.parse(params) as unknown[]);
          expect(plan.map((row: { detail: string }) => row.detail).join('\n')).not.toContain('users_tenant_created_idx');
        }
      return res.body as { totalResults: number; nextCursor?: string; Resources: { userName: string }[] };
    };
    for (const [startIndex, from, to] of [
      [1, 2251, 2350],
      [101, 2351, 2450],
      [201, 2451, 2500],
    ]) {
      const body = await get(`startIndex=${startIndex}`);
      expect(body.totalResults).toBe(250);
      expect(body.Resources.map((user) => user.userName)).toEqual(expected(from, to));
    }
    const walked: string[] = [];
    let cursor = '';
    do {
      const body = await get(`cursor=${encodeURIComponent(cursor)}`);
      walked.push(...body.Resources.map((user) => user.userName));
      cursor = body.nextCursor ?? '';
    } while (cursor);
    expect(walked).toEqual(expected(2251, 2500));
  });

  it("counts another tenant's range among its own users alone", async () => {
    const res = await t.http
      .get(`${other.base}/Users?filter=${encodeURIComponent(`meta.lastModified gt "${at(0)}"`)}&count=100`)
      .set({ Authorization: `Bearer ${other.token}` })
      .expect(200);
    expect(res.body.totalResults).toBe(3);
    expect(res.body.Resources.map((user: { userName: string }) => user.userName).sort()).toEqual([
      'elsewhere.a@example.com',
      'elsewhere.b@example.com',
      'elsewhere.c@example.com',
    ]);
  });

  it.each([
    `meta.lastModified gt "yesterday"`,
    'meta.lastModified gt 5',
    'meta.created le true',
    'meta.created lt null',
    'meta.lastModified gt "2026-13-01T00:00:00Z"',
  ])('answers %s with a SCIM 400 invalidFilter', async (filter) => {
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&count=100`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(400);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' });
  });

  it('takes a large range from the other side without counting it', async () => {
    const before = t.logs.length;
    expect(await total(`meta.lastModified gt "${at(10)}"`, 5)).toBe(2490);
    const counts = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context === 'mikro-orm' && /count\(\*\)/.test(line.msg))
      .map((line) => line.msg);
    expect(counts).toEqual([expect.stringContaining('AS others')]);
  });
});
