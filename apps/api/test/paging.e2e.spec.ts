import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// Index paging (startIndex/count) as an import walks a tenant: exact totals, every user once, in order.
describe.each(dialects())('index paging on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const created: string[] = [];
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const page = async (startIndex: number, count: number, extra = '') =>
    (await t.http.get(`${tenant.base}/Users?startIndex=${startIndex}&count=${count}${extra}`).set(auth()).expect(200)).body as {
      totalResults: number;
      itemsPerPage: number;
      Resources: { id: string; userName: string }[];
    };
  const walk = async (count: number, between?: (pageNumber: number) => Promise<void>) => {
    const seen: string[] = [];
    for (let startIndex = 1, n = 0; ; startIndex += count, n++) {
      const body = await page(startIndex, count);
      seen.push(...body.Resources.map((r) => r.id));
      if (body.Resources.length < count) return seen;
      await between?.(n);
    }
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Paging');
    for (let i = 0; i < 35; i++) created.push((await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: `p${String(i).padStart(2, '0')}@example.com` }).expect(201)).body.id);
  });
  afterAll(async () => t?.close());

  it('walks every user once, in creation order, with exact totals on every page', async () => {
    expect(await walk(10)).toEqual(created);
    for (const [startIndex, count, items] of [[1, 10, 10], [11, 10, 10], [31, 10, 5], [35, 10, 1], [36, 10, 0], [100, 10, 0]] as const) {
      const body = await page(startIndex, count);
      expect([body.totalResults, body.Resources.length, body.itemsPerPage]).toEqual([35, items, items]);
    }
    expect((await page(1, 0)).totalResults).toBe(35);
  });

  it('a page asked for again, or out of order, is the same page', async () => {
    const second = await page(11, 10);
    await page(21, 10);
    expect((await page(11, 10)).Resources).toEqual(second.Resources);
    expect((await page(11, 10)).Resources.map((r) => r.id)).toEqual(created.slice(10, 20));
  });

  it('a user deleted during the walk does not make the walk skip anyone', async () => {
    const doomed = created[3];
    const seen = await walk(10, async (n) => {
      if (n === 0) await t.http.delete(`${tenant.base}/Users/${doomed}`).set(auth()).expect(204);
    });
    expect(seen).toEqual(created); // the deleted user was on page 1, already seen; nobody after it was skipped
    created.splice(3, 1);
    expect((await page(1, 1)).totalResults).toBe(34);
  });

  it('users created during the walk come at its end', async () => {
    const added: string[] = [];
    const seen = await walk(10, async (n) => {
      if (n === 1) added.push((await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'late@example.com' }).expect(201)).body.id);
    });
    expect(seen).toEqual([...created, ...added]);
    created.push(...added);
  });

  it('sorted and filtered walks page by position as before', async () => {
    const sorted = [];
    for (let startIndex = 1; startIndex <= 40; startIndex += 10) sorted.push(...(await page(startIndex, 10, '&sortBy=userName&sortOrder=descending')).Resources.map((r) => r.userName));
    expect(sorted).toEqual([...sorted].sort().reverse());
    expect(sorted).toHaveLength(created.length);
    const filtered = await t.http.get(`${tenant.base}/Users?filter=${encodeURIComponent('userName sw "p1"')}&startIndex=6&count=3`).set(auth()).expect(200);
    expect([filtered.body.totalResults, filtered.body.Resources.map((r: { userName: string }) => r.userName)]).toEqual([10, ['p15@example.com', 'p16@example.com', 'p17@example.com']]);
  });
});
