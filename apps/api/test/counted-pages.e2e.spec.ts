import { insertUsers } from '../../../test/support/bulk-users';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

/**
 * The first page of a filter led by a trigram index is read with its total in one statement (resource-query.ts,
 * countedWithPage). On PostgreSQL that statement takes at most 20,000 matches: a filter more users match is read
 * again the other way and counted apart, with the same answer.
 */
describe.each(dialects())('a trigram-led filter counted with its first page on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const users = 20_050;
  const base = Date.parse('2026-04-01T00:00:00Z');
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_SQL_DEBUG: '1' });
    tenant = await createTenant(t, 'Counted pages');
    await insertUsers(t, tenant.id, users, { prefix: 'counted-', base });
    // Another tenant's users match the same literals: never in this tenant's pages or totals.
    other = await createTenant(t, 'Counted elsewhere');
    for (const name of ['counted-1999x', 'counted-elsewhere', 'counted_100%'])
      await t.http
        .post(`${other.base}/Users`)
        .set({ Authorization: `Bearer ${other.token}` })
        .send({ userName: `${name}@example.com` })
        .expect(201);
  }, 60_000);
  afterAll(async () => t?.close());

  const search = async (filter: string, query = 'count=3') => {
    const before = t.logs.length;
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&${query}`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(200);
    const statements = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context === 'mikro-orm' && /\b(FROM|JOIN) users r\b/.test(line.msg))
      .map((line) => line.msg);
    const body = res.body as { totalResults: number; Resources: { id: string }[] };
    return { total: body.totalResults, ids: body.Resources.map((user) => user.id), statements };
  };

  it('answers a filter a few users match in one statement', async () => {
    // counted-1999 and counted-19990…19999
    const few = await search('userName co "ted-1999"');
    expect(few.total).toBe(11);
    expect(few.ids).toEqual([id(1999), id(19990), id(19991)]);
    expect(few.statements).toHaveLength(1);
    // SQLite: scoped, counted and sorted in the trigram table; only the page's users are read from `users`.
    if (dialect === 'sqlite') expect(few.statements[0]).toMatch(/FROM user_search s WHERE s\.tenant_id = \? AND \(s\.user_name LIKE \?\)/);
  });

  it('answers a filter everyone matches with the same total and first page as a walk', async () => {
    const everyone = await search('userName co "counted-"');
    expect(everyone.total).toBe(users);
    expect(everyone.ids).toEqual([id(1), id(2), id(3)]);
    // PostgreSQL: the counted statement, then the page and the count apart
    expect(everyone.statements).toHaveLength(dialect === 'postgresql' ? 3 : 1);
    const walk = await search('userName pr', 'count=3');
    expect(walk.ids).toEqual(everyone.ids);
  });

  it("counts only the tenant's own matches, and another tenant sees only its own", async () => {
    // the other tenant's counted-1999x matches too
    const ours = await search('userName co "ted-1999"', 'count=20');
    expect(ours.total).toBe(11);
    expect(ours.ids).toEqual([1999, 19990, 19991, 19992, 19993, 19994, 19995, 19996, 19997, 19998, 19999].map(id));
    const theirs = await t.http
      .get(`${other.base}/Users?filter=${encodeURIComponent('userName co "counted-"')}&count=10`)
      .set({ Authorization: `Bearer ${other.token}` })
      .expect(200);
    expect(theirs.body.totalResults).toBe(2);
    expect((theirs.body.Resources as { userName: string }[]).map((user) => user.userName)).toEqual([
      'counted-1999x@example.com',
      'counted-elsewhere@example.com',
    ]);
  });

  it('takes % and _ in a literal as plain characters', async () => {
    // counted-100… exist here; only the other tenant has "counted_100%"
    expect(await search('userName co "counted_100%"')).toMatchObject({ total: 0, ids: [] });
    expect(await search('userName sw "counted_1"')).toMatchObject({ total: 0, ids: [] });
  });

  it('gives the same page and total sorted, and from a later startIndex', async () => {
    const sorted = await search('userName co "ted-1999"', 'count=3&sortBy=userName&sortOrder=descending');
    expect(sorted.total).toBe(11);
    expect(sorted.ids).toEqual([id(19999), id(19998), id(19997)]);
    const later = await search('userName co "ted-1999"', 'count=3&startIndex=4');
    expect(later.total).toBe(11);
    expect(later.ids).toEqual([id(19992), id(19993), id(19994)]); // after counted-1999, -19990 and -19991
  });

  it('answers a malformed filter with 400 invalidFilter', async () => {
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName co "counted-')}`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(400);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidFilter' });
  });

  it('gives an empty search a total of 0 and no resources', async () => {
    const none = await search('userName co "nobody"');
    expect(none).toMatchObject({ total: 0, ids: [] });
  });
});
