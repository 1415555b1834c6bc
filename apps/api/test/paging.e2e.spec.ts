import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ListCursors } from '@roster/directory';
import { expectScimError } from '../../../test/support/contract-assert';
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
    for (let i = 0; i < 35; i++)
      created.push(
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(auth())
            .send({ userName: `p${String(i).padStart(2, '0')}@example.com` })
            .expect(201)
        ).body.id,
      );
  });
  afterAll(async () => t?.close());

  it('walks every user once, in creation order, with exact totals on every page', async () => {
    expect(await walk(10)).toEqual(created);
    for (const [startIndex, count, items] of [
      [1, 10, 10],
      [11, 10, 10],
      [31, 10, 5],
      [35, 10, 1],
      [36, 10, 0],
      [100, 10, 0],
    ] as const) {
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
    for (let startIndex = 1; startIndex <= 40; startIndex += 10)
      sorted.push(...(await page(startIndex, 10, '&sortBy=userName&sortOrder=descending')).Resources.map((r) => r.userName));
    expect(sorted).toEqual([...sorted].sort().reverse());
    expect(sorted).toHaveLength(created.length);
    const filtered = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName sw "p1"')}&startIndex=6&count=3`)
      .set(auth())
      .expect(200);
    expect([filtered.body.totalResults, filtered.body.Resources.map((r: { userName: string }) => r.userName)]).toEqual([
      10,
      ['p15@example.com', 'p16@example.com', 'p17@example.com'],
    ]);
  });

  describe('cursors (RFC 9865)', () => {
    type CursorPage = {
      totalResults: number;
      itemsPerPage: number;
      startIndex?: number;
      nextCursor?: string;
      Resources: { id: string; displayName?: string }[];
    };
    const cursorPage = async (cursor: string, count: number, extra = '', resource = 'Users') =>
      (
        await t.http
          .get(`${tenant.base}/${resource}?cursor=${encodeURIComponent(cursor)}&count=${count}${extra}`)
          .set(auth())
          .expect(200)
      ).body as CursorPage;
    const cursorWalk = async (count: number, between?: (n: number) => Promise<void>, extra = '') => {
      const seen: string[] = [];
      let cursor = '';
      for (let n = 0; ; n++) {
        const body = await cursorPage(cursor, count, extra);
        expect(body.startIndex).toBeUndefined();
        seen.push(...body.Resources.map((r) => r.id));
        if (!body.nextCursor) return seen;
        cursor = body.nextCursor;
        await between?.(n);
      }
    };

    it('walks every user once, in creation order, with totals; the last page has no nextCursor', async () => {
      expect(await cursorWalk(10)).toEqual(created);
      const first = await cursorPage('', 10);
      expect([first.totalResults, first.itemsPerPage, first.Resources.length]).toEqual([created.length, 10, 10]);
      const config = (await t.http.get(`${tenant.base}/ServiceProviderConfig`).set(auth()).expect(200)).body;
      expect(config.pagination).toEqual({
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 1000,
        cursorTimeout: 3600,
      });
    });

    it('never skips or repeats a user that exists for the whole walk, whatever is deleted or created meanwhile', async () => {
      const doomed = [created[2], created[14]];
      const late: string[] = [];
      const seen = await cursorWalk(5, async (n) => {
        if (n === 1) for (const id of doomed) await t.http.delete(`${tenant.base}/Users/${id}`).set(auth()).expect(204);
        if (n === 2) late.push((await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'cursor.late@example.com' }).expect(201)).body.id);
      });
      const stayed = created.filter((id) => !doomed.includes(id));
      expect(seen.filter((id) => stayed.includes(id))).toEqual(stayed);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toContain(late[0]);
      created.splice(0, created.length, ...stayed, ...late);
    });

    it('binds a cursor to its tenant, resource type and filter, and refuses tampering', async () => {
      const first = await cursorPage('', 3, `&filter=${encodeURIComponent('userName sw "p"')}`);
      expect(first.nextCursor).toBeDefined();
      const next = first.nextCursor!;
      await cursorPage(next, 3, `&filter=${encodeURIComponent('userName sw "p"')}`);
      const refuse = async (url: string, scimType = 'invalidCursor') => expectScimError(await t.http.get(url).set(auth()), 400, scimType);
      await refuse(`${tenant.base}/Users?cursor=${encodeURIComponent(next)}&filter=${encodeURIComponent('userName sw "q"')}`);
      await refuse(`${tenant.base}/Users?cursor=${encodeURIComponent(next)}`);
      await refuse(`${tenant.base}/Groups?cursor=${encodeURIComponent(next)}`);
      const [payload, signature] = next.split('.');
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), e: 4102444800 })).toString('base64url');
      await refuse(`${tenant.base}/Users?cursor=${encodeURIComponent(`${forged}.${signature}`)}&filter=${encodeURIComponent('userName sw "p"')}`);
      await refuse(`${tenant.base}/Users?cursor=garbage`);
      const other = await createTenant(t, 'Paging other');
      expectScimError(
        await t.http
          .get(`${other.base}/Users?cursor=${encodeURIComponent(next)}&filter=${encodeURIComponent('userName sw "p"')}`)
          .set({ Authorization: `Bearer ${other.token}` }),
        400,
        'invalidCursor',
      );
      expectScimError(await t.http.get(`${tenant.base}/Users?cursor=&startIndex=1`).set(auth()), 400, 'invalidValue');
      expectScimError(await t.http.get(`${tenant.base}/Users?cursor=&sortBy=userName`).set(auth()), 400, 'invalidValue');
    });

    it('an expired cursor is expiredCursor', async () => {
      const scope = { tenantId: tenant.id, resource: 'User', filter: '' };
      const old = await t.app.get(ListCursors, { strict: false }).encode(scope, { createdAt: 0, id: created[0] }, Date.now() - 2 * 3600 * 1000);
      expectScimError(await t.http.get(`${tenant.base}/Users?cursor=${encodeURIComponent(old)}`).set(auth()), 400, 'expiredCursor');
    });

    it('works the same through POST .search and on groups', async () => {
      const viaGet = await cursorPage('', 4);
      const viaPost = (await t.http.post(`${tenant.base}/Users/.search`).set(auth()).send({ cursor: '', count: 4 }).expect(200)).body;
      expect(viaPost.Resources).toEqual(viaGet.Resources);
      const next = (await t.http.post(`${tenant.base}/Users/.search`).set(auth()).send({ cursor: viaPost.nextCursor, count: 4 }).expect(200)).body;
      expect(next.Resources[0].id).toBe(created[4]);
      for (const name of ['g1', 'g2', 'g3'])
        await t.http
          .post(`${tenant.base}/Groups`)
          .set(auth())
          .send({ displayName: `Cursor ${name}` })
          .expect(201);
      const g1 = await cursorPage('', 2, '', 'Groups');
      const g2 = await cursorPage(g1.nextCursor!, 2, '', 'Groups');
      expect([...g1.Resources, ...g2.Resources].map((g) => g.displayName)).toEqual(['Cursor g1', 'Cursor g2', 'Cursor g3']);
      expect(g2.nextCursor).toBeUndefined();
    });
  });
});
