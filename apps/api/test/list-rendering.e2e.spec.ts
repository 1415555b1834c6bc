import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// A page reads its users' groups and managers for the whole page at once (UsersService.list), GET /Users/{id} for
// one user (UserViews): both must answer the same JSON for a user, attribute order included, on both databases.
describe.each(dialects())('users listed and read one by one on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Rendering');
    const post = async (body: object) => {
      const res = await t.http.post(`${tenant.base}/Users`).set(auth()).send(body).expect(201);
      ids.push(res.body.id as string);
      return res.body.id as string;
    };
    const boss = await post({ userName: 'boss@example.com', name: { givenName: 'Bo', familyName: 'Ss' }, externalId: 'okta-boss' });
    await post({
      externalId: 'e-2',
      userName: "Ünïcødé.o'brien@example.com",
      displayName: 'Zoë "Z" Ünïcødé',
      [ENT]: { department: 'R&D', manager: { value: boss } },
    });
    await post({ userName: 'nomanager@example.com', [ENT]: { manager: { value: 'someone-else' } }, emails: [{ value: 'n@example.com', primary: true }] });
    const quitter = await post({ userName: 'quitter@example.com', title: 'Left', [ENT]: { department: 'Gone' } });
    await t.http
      .patch(`${tenant.base}/Users/${quitter}`)
      .set(auth())
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'replace', value: { active: false } },
          { op: 'remove', path: `${ENT}:department` },
        ],
      })
      .expect(200);
    await t.http
      .post(`${tenant.base}/Groups`)
      .set(auth())
      .send({ displayName: 'Learners "2026"', members: [{ value: boss }, { value: quitter }] })
      .expect(201);
    // A second group, whose name sorts first: a user's groups are in display-name order, however they are read.
    await t.http
      .post(`${tenant.base}/Groups`)
      .set(auth())
      .send({ displayName: 'Admins & Co', members: [{ value: boss }] })
      .expect(201);
  });
  afterAll(async () => t?.close());

  it.each([
    ['a page', ''],
    ['a filtered page', `&filter=${encodeURIComponent('userName co "@example.com"')}`],
    ['a page of the attributes asked for', '&attributes=userName,groups'],
    ['a page without some attributes', `&excludedAttributes=emails,${ENT}`],
  ])('%s answers each user as GET /Users/{id} does', async (_name, query) => {
    const list = await t.http.get(`${tenant.base}/Users?startIndex=1&count=10${query}`).set(auth()).expect(200);
    expect(list.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(list.body.Resources).toHaveLength(ids.length);
    const projection = /attributes=/i.test(query) ? query : '';
    for (const listed of list.body.Resources as { id: string }[]) {
      const single = await t.http
        .get(`${tenant.base}/Users/${listed.id}?${projection.slice(1)}`)
        .set(auth())
        .expect(200);
      expect(JSON.stringify(listed)).toBe(JSON.stringify(single.body));
    }
  });

  // Pages are read by different statements (by cursor, by an offset, an index lookup; on PostgreSQL a window
  // bounding the page's bytes): each answers every user as GET /Users/{id} does, groups included.
  it.each([
    ['a page by cursor', 'cursor=&count=10'],
    ['a page by an offset', 'startIndex=2&count=10'],
    ['a lookup', `filter=${encodeURIComponent('userName eq "boss@example.com"')}`],
    ['a lookup by an e-mail', `filter=${encodeURIComponent('emails.value eq "n@example.com"')}`],
  ])('%s answers each user as GET /Users/{id} does', async (_name, query) => {
    const list = await t.http.get(`${tenant.base}/Users?${query}`).set(auth()).expect(200);
    expect(list.body.Resources.length).toBeGreaterThan(0);
    for (const listed of list.body.Resources as { id: string }[]) {
      const single = await t.http.get(`${tenant.base}/Users/${listed.id}`).set(auth()).expect(200);
      expect(JSON.stringify(listed)).toBe(JSON.stringify(single.body));
    }
  });

  it("lists a user's groups in display-name order", async () => {
    const list = await t.http.get(`${tenant.base}/Users?startIndex=1&count=10`).set(auth()).expect(200);
    const boss = (list.body.Resources as { userName: string; groups?: { display: string }[] }[]).find((user) => user.userName === 'boss@example.com');
    expect(boss?.groups?.map((group) => group.display)).toEqual(['Admins & Co', 'Learners "2026"']);
  });

  it('answers POST .search the same as GET', async () => {
    const viaGet = await t.http.get(`${tenant.base}/Users?startIndex=1&count=10`).set(auth()).expect(200);
    const viaSearch = await t.http.post(`${tenant.base}/Users/.search`).set(auth()).send({ startIndex: 1, count: 10 }).expect(200);
    expect(JSON.stringify(viaSearch.body)).toBe(JSON.stringify(viaGet.body));
    expect(Object.keys(viaGet.body)).toEqual(['schemas', 'totalResults', 'startIndex', 'itemsPerPage', 'Resources']);
  });
});
