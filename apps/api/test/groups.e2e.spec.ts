import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Replays of Okta Push Groups (F-OK-9…15) and Entra group provisioning (F-EN-10), docs/idp-behaviour.md.
describe.each(dialects())('groups on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const users: string[] = [];
  const auth = (x: TestTenant = tenant) => ({ Authorization: `Bearer ${x.token}` });
  const members = async (id: string) =>
    ((await t.http.get(`${tenant.base}/Groups/${id}`).set(auth()).expect(200)).body.members ?? []).map((m: { value: string }) => m.value).sort();
  const patch = (id: string, ...Operations: unknown[]) =>
    t.http
      .patch(`${tenant.base}/Groups/${id}`)
      .set(auth())
      .send({ schemas: [PATCH_OP], Operations });
  const newGroup = async (displayName: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(`${tenant.base}/Groups`)
        .set(auth())
        .send({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, ...extra })
        .expect(201)
    ).body;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Groups');
    other = await createTenant(t, 'Other groups');
    for (let i = 0; i < 6; i++) {
      users.push(
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(auth())
            .send({ userName: `member${i}@example.com` })
            .expect(201)
        ).body.id,
      );
    }
    users.sort();
  });
  afterAll(async () => t?.close());

  it('F-OK-9/10: Push Groups create (empty and with members), then lookup by displayName', async () => {
    const empty = await newGroup('Test SCIMv2', { members: [] });
    expectContract(empty, 'Group');
    expect(empty.members).toBeUndefined();
    const withMembers = await newGroup('Pushed', { members: [{ value: users[0], display: 'member0@example.com' }] });
    expect(withMembers.members).toEqual([
      { value: users[0], $ref: expect.stringContaining(`/Users/${users[0]}`), display: expect.stringMatching(/^member\d@example.com$/), type: 'User' },
    ]);
    const lookup = await t.http.get(`${tenant.base}/Groups?filter=displayName%20eq%20%22test%20scimv2%22&startIndex=1&count=100`).set(auth()).expect(200);
    expectContract(lookup.body, 'GroupListResponse');
    expect(lookup.body.Resources.map((g: { id: string }) => g.id)).toEqual([empty.id]);
    expectScimError(await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'TEST SCIMV2' }), 409, 'uniqueness');
    expectScimError(await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ members: [] }), 400, 'invalidValue');
    // The refused creates wrote nothing: not the group, not its count.
    const counted = await t.http.get(`${tenant.base}/Groups?count=0`).set(auth()).expect(200);
    expect(counted.body.totalResults).toBe(2);
  });

  it('an empty group created at once under one name, malformed, or with a member that is no user: one 201, the rest 4xx, nothing else written', async () => {
    const count = async (x: TestTenant = tenant) => (await t.http.get(`${x.base}/Groups?count=0`).set(auth(x)).expect(200)).body.totalResults;
    const before = await count();
    const racing = await Promise.all(
      ['Racers', 'RACERS', 'racers', 'Racers', 'rAcErS'].map((displayName) =>
        t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName, members: [] }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const refused of racing.filter((r) => r.status === 409)) expectScimError(refused, 409, 'uniqueness');
    expectScimError(
      await t.http.post(`${tenant.base}/Groups`).set(auth()).set('Content-Type', 'application/scim+json').send('{"displayName": "Broken",'),
      400,
      'invalidSyntax',
    );
    expectScimError(await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: true, members: [] }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Wrong members', members: 'all' }), 400, 'invalidValue');
    expect(await count()).toBe(before + 1);
    // Another tenant may hold the same name: tenants never share a uniqueness scope.
    const elsewhere = await createTenant(t, 'Racers elsewhere');
    await t.http.post(`${elsewhere.base}/Groups`).set(auth(elsewhere)).send({ displayName: 'Racers', members: [] }).expect(201);
    expect(await count(elsewhere)).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it('a rename to a name another group holds is a 409 that changes nothing, not even the members of the same PATCH', async () => {
    await newGroup('Taken name');
    const g = await newGroup('Renamed', { members: [{ value: users[0] }] });
    // What was audited as done to this group (a refused write is audited too, as a failure).
    const audited = async () =>
      (
        (
          await t.http
            .get(`/admin/v1/tenants/${tenant.id}/audit-events?limit=500`)
            .set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
            .expect(200)
        ).body.items as { outcome: string; resource: { id: string | null } }[]
      ).filter((e) => e.resource.id === g.id && e.outcome === 'success').length;
    const auditBefore = await audited();
    expectScimError(
      await patch(g.id, { op: 'add', path: 'members', value: [{ value: users[1] }] }, { op: 'replace', path: 'displayName', value: 'TAKEN NAME' }),
      409,
      'uniqueness',
    );
    const after = await t.http.get(`${tenant.base}/Groups/${g.id}`).set(auth()).expect(200);
    expect(after.body.displayName).toBe('Renamed');
    expect(after.body.meta.version).toBe(g.meta.version);
    expect(await members(g.id)).toEqual([users[0]]);
    expect(await audited()).toBe(auditBefore);
    // A stale If-Match is refused before anything is written; the current one writes, and the version moves on.
    expectScimError(await patch(g.id, { op: 'add', path: 'members', value: [{ value: users[1] }] }).set('If-Match', 'W/"999"'), 412);
    const written = await patch(g.id, { op: 'add', path: 'members', value: [{ value: users[1] }] }).set('If-Match', g.meta.version);
    expect(written.status).toBe(204);
    const etag = written.headers.etag as string;
    expect(etag).not.toBe(g.meta.version);
    expect((await t.http.get(`${tenant.base}/Groups/${g.id}`).set(auth()).expect(200)).body.meta.version).toBe(etag);
  });

  it('F-OK-11: several removes by filter plus an add in one PATCH; idempotent adds and removes', async () => {
    const g = await newGroup('Membership', { members: [{ value: users[0] }, { value: users[1] }] });
    await patch(
      g.id,
      { op: 'remove', path: `members[value eq "${users[0]}"]` },
      { op: 'remove', path: `members[value eq "${users[5]}"]` },
      { op: 'add', path: 'members', value: [{ value: users[2], display: 'member2@example.com' }, { value: users[1] }] },
    ).expect(204);
    expect(await members(g.id)).toEqual([users[1], users[2]].sort());
  });

  it('F-OK-12: rename carrying the read-only id, and the phantom rename after membership changes', async () => {
    const g = await newGroup('Before rename');
    await patch(g.id, { op: 'replace', value: { id: g.id, displayName: 'After rename' } }).expect(204);
    const renamed = (await t.http.get(`${tenant.base}/Groups/${g.id}`).set(auth()).expect(200)).body;
    expect(renamed.displayName).toBe('After rename');
    await patch(g.id, { op: 'replace', value: { id: g.id, displayName: 'After rename' } }).expect(204);
    expect((await t.http.get(`${tenant.base}/Groups/${g.id}`).set(auth()).expect(200)).body.meta.version).toBe(renamed.meta.version);
    expectScimError(await patch(g.id, { op: 'replace', value: { id: users[0], displayName: 'x' } }), 400, 'mutability');
  });

  it('F-OK-13: Push Now replaces members, including with []', async () => {
    const g = await newGroup('Push now', { members: [{ value: users[0] }, { value: users[1] }] });
    await patch(g.id, { op: 'replace', path: 'members', value: [{ value: users[1] }, { value: users[3] }] }).expect(204);
    expect(await members(g.id)).toEqual([users[1], users[3]].sort());
    await patch(g.id, { op: 'replace', path: 'members', value: [] }).expect(204);
    expect(await members(g.id)).toEqual([]);
  });

  it('F-OK-14: AIW PUT replaces the member list', async () => {
    const g = await newGroup('AIW', { members: [{ value: users[0] }] });
    const put = await t.http
      .put(`${tenant.base}/Groups/${g.id}`)
      .set(auth())
      .send({ id: g.id, displayName: 'AIW', members: [{ value: users[4], display: 'member4@example.com' }] })
      .expect(200);
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([users[4]]);
  });

  it('F-OK-15: delete the group, users untouched', async () => {
    const g = await newGroup('Doomed', { members: [{ value: users[0] }] });
    await t.http.delete(`${tenant.base}/Groups/${g.id}`).set(auth()).expect(204);
    expectScimError(await t.http.get(`${tenant.base}/Groups/${g.id}`).set(auth()), 404);
    expectScimError(await patch(g.id, { op: 'replace', path: 'displayName', value: 'x' }), 404);
    await t.http.get(`${tenant.base}/Users/${users[0]}`).set(auth()).expect(200);
  });

  it('F-EN-10: create with the ADSCIM schema URN and meta, lookup with excludedAttributes=members, rename, add and remove', async () => {
    const created = await t.http
      .post(`${tenant.base}/Groups`)
      .set(auth())
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'Entra group',
        meta: { resourceType: 'Group' },
      })
      .expect(201);
    const id = created.body.id;
    const lookup = await t.http.get(`${tenant.base}/Groups?excludedAttributes=members&filter=displayName+eq+%22Entra+group%22`).set(auth()).expect(200);
    expect(lookup.body.Resources[0]).toMatchObject({ id, externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' });
    await patch(id, { op: 'Replace', path: 'displayName', value: 'Entra group updatedDisplayName' }).expect(204);
    await patch(id, { op: 'Add', path: 'members', value: users.slice(0, 4).map((value) => ({ $ref: null, value })) }).expect(204);
    expect(await members(id)).toEqual(users.slice(0, 4).sort());
    // default dialect: Remove with a value list removes those members and never empties the group
    await patch(id, { op: 'Remove', path: 'members', value: [{ $ref: null, value: users[0] }] }).expect(204);
    expect(await members(id)).toEqual(users.slice(1, 4).sort());
    // aadOptscim062020: remove with a filter path
    await patch(id, { op: 'remove', path: `members[value eq "${users[1]}"]` }).expect(204);
    expect(await members(id)).toEqual(users.slice(2, 4).sort());
    // membership check
    const check = await t.http
      .get(`${tenant.base}/Groups?filter=id+eq+%22${id}%22+and+members+eq+%22${users[2]}%22&excludedAttributes=members`)
      .set(auth())
      .expect(200);
    expect(check.body.totalResults).toBe(1);
    expect(check.body.Resources[0].members).toBeUndefined();
    const miss = await t.http
      .get(`${tenant.base}/Groups?filter=id+eq+%22${id}%22+and+members+eq+%22${users[0]}%22&excludedAttributes=members`)
      .set(auth())
      .expect(200);
    expect(miss.body.totalResults).toBe(0);
    const single = await t.http.get(`${tenant.base}/Groups/${id}?excludedAttributes=members`).set(auth()).expect(200);
    expect(single.body.members).toBeUndefined();
    expect(single.body.displayName).toBe('Entra group updatedDisplayName');
  });

  it('answers 200 with the group when a PATCH names attributes', async () => {
    const g = await newGroup('With body');
    const res = await t.http
      .patch(`${tenant.base}/Groups/${g.id}?attributes=displayName,members`)
      .set(auth())
      .send({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: users[0] }] }] })
      .expect(200);
    expect(res.body).toMatchObject({ id: g.id, displayName: 'With body', members: [{ value: users[0] }] });
  });

  it("rejects unknown members and other tenants' users, storing nothing", async () => {
    const g = await newGroup('Strict');
    const foreign = (await t.http.post(`${other.base}/Users`).set(auth(other)).send({ userName: 'foreign@example.com' }).expect(201)).body.id;
    expectScimError(await patch(g.id, { op: 'add', path: 'members', value: [{ value: users[0] }, { value: foreign }] }), 400, 'invalidValue');
    expectScimError(await patch(g.id, { op: 'add', path: 'members', value: [{ value: 'not-a-uuid' }] }), 400, 'invalidValue');
    expectScimError(await patch(g.id, { op: 'add', path: 'members', value: [{ display: 'no value' }] }), 400, 'invalidValue');
    expectScimError(
      await t.http
        .post(`${tenant.base}/Groups`)
        .set(auth())
        .send({ displayName: 'Bad', members: [{ value: foreign }] }),
      400,
      'invalidValue',
    );
    expect(await members(g.id)).toEqual([]);
    expect((await t.http.get(`${tenant.base}/Groups?filter=displayName eq "Bad"`).set(auth()).expect(200)).body.totalResults).toBe(0);
  });

  it('is isolated per tenant', async () => {
    const g = await newGroup('Private');
    expectScimError(await t.http.get(`${other.base}/Groups/${g.id}`).set(auth(other)), 404);
    expectScimError(
      await t.http
        .patch(`${other.base}/Groups/${g.id}`)
        .set(auth(other))
        .send({ Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] }),
      404,
    );
    expectScimError(await t.http.delete(`${other.base}/Groups/${g.id}`).set(auth(other)), 404);
    expect((await t.http.get(`${other.base}/Groups?filter=displayName eq "Private" or displayName pr`).set(auth(other)).expect(200)).body.totalResults).toBe(0);
  });

  it("shows a user's direct groups, keeps them when deactivated, drops them when the user is deleted", async () => {
    const user = (await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'grouped@example.com' }).expect(201)).body.id;
    const g = await newGroup('Learners', { members: [{ value: user }] });
    const read = (await t.http.get(`${tenant.base}/Users/${user}`).set(auth()).expect(200)).body;
    expect(read.groups).toEqual([{ value: g.id, $ref: expect.stringContaining(`/Groups/${g.id}`), display: 'Learners', type: 'direct' }]);
    await t.http
      .patch(`${tenant.base}/Users/${user}`)
      .set(auth())
      .send({ Operations: [{ op: 'replace', value: { active: false } }] })
      .expect(200);
    expect(await members(g.id)).toEqual([user]);
    await t.http.delete(`${tenant.base}/Users/${user}`).set(auth()).expect(204);
    expect(await members(g.id)).toEqual([]);
  });

  it('filters groups by displayName, externalId, members and meta', async () => {
    const g = await newGroup('Filterable', { externalId: 'EXT-G', members: [{ value: users[5] }] });
    const ids = async (filter: string) =>
      (
        await t.http
          .get(`${tenant.base}/Groups?filter=${encodeURIComponent(filter)}&excludedAttributes=members`)
          .set(auth())
          .expect(200)
      ).body.Resources.map((r: { id: string }) => r.id);
    expect(await ids('displayName sw "filter"')).toEqual([g.id]);
    expect(await ids('externalId eq "EXT-G"')).toEqual([g.id]);
    expect(await ids('externalId sw "EXT-"')).toEqual([g.id]);
    expect(await ids('externalId sw "ext-"')).toEqual([]); // caseExact
    expect(await ids(`members eq "${users[5]}" and displayName eq "Filterable"`)).toEqual([g.id]);
    expect(await ids(`members.value eq "${users[5]}" and meta.created gt "2001-01-01T00:00:00Z"`)).toEqual([g.id]);
    expectScimError(await t.http.get(`${tenant.base}/Groups?filter=${encodeURIComponent('members.display eq "x"')}`).set(auth()), 400, 'invalidFilter');
  });

  it('GET /Groups without paging answers (Okta SPEC test 10)', async () => {
    const res = await t.http.get(`${tenant.base}/Groups`).set(auth()).expect(200);
    expect(Array.isArray(res.body.Resources)).toBe(true);
  });

  it('concurrent PATCHes adding different members lose nothing', async () => {
    const g = await newGroup('Concurrent');
    const many = [];
    for (let i = 0; i < 12; i++)
      many.push(
        (
          await t.http
            .post(`${tenant.base}/Users`)
            .set(auth())
            .send({ userName: `c${i}@example.com` })
            .expect(201)
        ).body.id,
      );
    const results = await Promise.all(many.map((id) => patch(g.id, { op: 'add', path: 'members', value: [{ value: id }] })));
    expect(results.map((r) => r.status)).toEqual(many.map(() => 204));
    expect(await members(g.id)).toEqual([...many].sort());
  });
});
