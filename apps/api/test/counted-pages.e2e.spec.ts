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
  const users = 20_050;
  const base = Date.parse('2026-04-01T00:00:00Z');
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_SQL_DEBUG: '1' });
    tenant = await createTenant(t, 'Counted pages');
    await insertUsers(t, tenant.id, users, { prefix: 'counted-', base });
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
      .filter((line) => line.context === 'mikro-orm' && /\bFROM users r\b/.test(line.msg))
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

  it('gives an empty search a total of 0 and no resources', async () => {
    const none = await search('userName co "nobody"');
    expect(none).toMatchObject({ total: 0, ids: [] });
  });
});
