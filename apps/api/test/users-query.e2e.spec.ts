import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe.each(dialects())('user filtering, projection, ETags and isolation on %s', (dialect) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const ids: Record<string, string> = {};
  const auth = (tenant: TestTenant) => ({ Authorization: `Bearer ${tenant.token}` });
  const find = async (tenant: TestTenant, filter: string, extra = '') => {
    const res = await t.http.get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}${extra}`).set(auth(tenant));
    if (res.status !== 200) return res;
    return res.body.Resources.map((r: { userName: string }) => r.userName).sort();
  };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await createTenant(t, 'Query A');
    b = await createTenant(t, 'Query B');
    const people = [
      {
        userName: 'Alice@Example.com',
        title: 'Engineer',
        userType: 'Employee',
        active: true,
        emails: [
          { value: 'alice@example.com', type: 'work', primary: true },
          { value: 'alice@home.org', type: 'home' },
        ],
        [ENT]: { department: 'R&D' },
      },
      {
        userName: 'bob@example.com',
        title: 'Manager',
        userType: 'Employee',
        active: false,
        emails: [{ value: 'bob@example.org', type: 'work' }],
        phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
      },
      { userName: 'carol@example.com', userType: 'Intern', externalId: 'EXT-Carol', name: { givenName: 'Carol', familyName: "O'Malley" } },
      { userName: 'dave_100%@example.com', title: '' },
    ];
    for (const p of people) {
      const res = await t.http.post(`${a.base}/Users`).set(auth(a)).send(p).expect(201);
      ids[p.userName] = res.body.id;
    }
    await t.http.post(`${b.base}/Users`).set(auth(b)).send({ userName: 'alice@example.com', title: 'Engineer' }).expect(201);
  });
  afterAll(async () => t?.close());

  const filterTable: [string, string[]][] = [
    ['userName eq "alice@example.com"', ['Alice@Example.com']],
    ['USERNAME Eq "ALICE@EXAMPLE.COM"', ['Alice@Example.com']],
    ['userName co "EXAMPLE"', ['Alice@Example.com', 'bob@example.com', 'carol@example.com', 'dave_100%@example.com']],
    ['userName sw "b"', ['bob@example.com']],
    ['userName ew "100%@example.com"', ['dave_100%@example.com']],
    ['userName co "_"', ['dave_100%@example.com']],
    ['userName ne "bob@example.com"', ['Alice@Example.com', 'carol@example.com', 'dave_100%@example.com']],
    ['title pr', ['Alice@Example.com', 'bob@example.com']],
    ['not (title pr)', ['carol@example.com', 'dave_100%@example.com']],
    ['title eq "engineer"', ['Alice@Example.com']],
    ['active eq false', ['bob@example.com']],
    ['active eq true and userType eq "Employee"', ['Alice@Example.com']],
    ['userType eq "Intern" or title eq "Manager"', ['bob@example.com', 'carol@example.com']],
    ['(userType eq "Intern" or title eq "Manager") and active eq true', ['carol@example.com']],
    ['emails[type eq "work" and value co "@example.org"]', ['bob@example.com']],
    ['emails[type eq "work"].value eq "ALICE@example.com"', ['Alice@Example.com']],
    ['emails.value eq "alice@home.org"', ['Alice@Example.com']],
    ['emails co "home.org"', ['Alice@Example.com']],
    // every user has emails: sent, or derived from an email-shaped userName
    ['emails pr', ['Alice@Example.com', 'bob@example.com', 'carol@example.com', 'dave_100%@example.com']],
    ['phoneNumbers[type eq "mobile"]', ['bob@example.com']],
    ['name.familyName eq "o\'malley"', ['carol@example.com']],
    ['externalId eq "EXT-Carol"', ['carol@example.com']],
    ['externalId eq "ext-carol"', []],
    [`${ENT}:department eq "R&D"`, ['Alice@Example.com']],
    ['meta.created gt "2000-01-01T00:00:00Z"', ['Alice@Example.com', 'bob@example.com', 'carol@example.com', 'dave_100%@example.com']],
    ['meta.lastModified lt "2000-01-01T00:00:00Z"', []],
    ['id eq "not-a-uuid"', []],
    ['userName eq "alice@example.com" or userName pr', ['Alice@Example.com', 'bob@example.com', 'carol@example.com', 'dave_100%@example.com']],
  ];
  it.each(filterTable)('%s', async (filter, expected) => {
    expect(await find(a, filter)).toEqual(expected);
  });

  it('filters by id', async () => {
    expect(await find(a, `id eq "${ids['carol@example.com']}"`)).toEqual(['carol@example.com']);
  });

  it.each(['userName eq', 'foo eq "x"', 'active gt true', 'meta.created gt "soon"', 'userName eq "a" )', 'password eq "x"'])(
    'rejects %s with 400 invalidFilter',
    async (filter) => {
      expectScimError(await t.http.get(`${a.base}/Users?filter=${encodeURIComponent(filter)}`).set(auth(a)), 400, 'invalidFilter');
    },
  );

  it('an OR can never escape the tenant', async () => {
    expect(await find(b, 'userName pr or userName eq "bob@example.com"')).toEqual(['alice@example.com']);
    expect(await find(b, `id eq "${ids['bob@example.com']}" or title eq "Engineer"`)).toEqual(['alice@example.com']);
  });

  it('a user of tenant A is invisible and untouchable through tenant B', async () => {
    const id = ids['carol@example.com'];
    expectScimError(await t.http.get(`${b.base}/Users/${id}`).set(auth(b)), 404);
    expectScimError(await t.http.put(`${b.base}/Users/${id}`).set(auth(b)).send({ userName: 'x@x.com' }), 404);
    expectScimError(
      await t.http
        .patch(`${b.base}/Users/${id}`)
        .set(auth(b))
        .send({ Operations: [{ op: 'replace', path: 'title', value: 'x' }] }),
      404,
    );
    expectScimError(await t.http.delete(`${b.base}/Users/${id}`).set(auth(b)), 404);
    expect((await t.http.get(`${a.base}/Users/${id}`).set(auth(a)).expect(200)).body.title).toBeUndefined();
    // B may reuse A's userName: uniqueness is per tenant
    await t.http.post(`${b.base}/Users`).set(auth(b)).send({ userName: 'carol@example.com' }).expect(201);
    // A may name B's user as a manager only as an opaque value
    const bUser = (await t.http.get(`${b.base}/Users?filter=userName eq "carol@example.com"`).set(auth(b))).body.Resources[0].id;
    // (a manager value is stored as sent and never rejected, but it never resolves to, or reveals, B's user)
    const managed = await t.http
      .patch(`${a.base}/Users/${id}`)
      .set(auth(a))
      .send({ Operations: [{ op: 'add', path: `${ENT}:manager`, value: bUser }] })
      .expect(200);
    expect(managed.body[ENT].manager).toEqual({ value: bUser });
  });

  it('honours attributes and excludedAttributes on lists, reads and writes', async () => {
    const list = await t.http
      .get(`${a.base}/Users?filter=${encodeURIComponent('userName eq "bob@example.com"')}&attributes=userName,emails.value`)
      .set(auth(a))
      .expect(200);
    expect(list.body.Resources[0]).toEqual({
      schemas: expect.any(Array),
      id: ids['bob@example.com'],
      userName: 'bob@example.com',
      emails: [{ value: 'bob@example.org' }],
    });
    const one = await t.http.get(`${a.base}/Users/${ids['bob@example.com']}?excludedAttributes=emails,meta,phoneNumbers`).set(auth(a)).expect(200);
    expect(one.body.emails).toBeUndefined();
    expect(one.body.meta).toBeUndefined();
    expect(one.body.userName).toBe('bob@example.com');
    const written = await t.http
      .patch(`${a.base}/Users/${ids['bob@example.com']}?attributes=title`)
      .set(auth(a))
      .send({ Operations: [{ op: 'replace', path: 'title', value: 'Director' }] })
      .expect(200);
    expect(written.body).toEqual({ schemas: expect.any(Array), id: ids['bob@example.com'], title: 'Director' });
  });

  it('sorts by sortBy/sortOrder', async () => {
    const asc = await t.http.get(`${a.base}/Users?sortBy=userName`).set(auth(a)).expect(200);
    expect(asc.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([
      'Alice@Example.com',
      'bob@example.com',
      'carol@example.com',
      'dave_100%@example.com',
    ]);
    const desc = await t.http.get(`${a.base}/Users?sortBy=name.familyName&sortOrder=descending&count=1`).set(auth(a)).expect(200);
    expect(desc.body.Resources[0].userName).toBe('carol@example.com');
    expectScimError(await t.http.get(`${a.base}/Users?sortBy=emails`).set(auth(a)), 400, 'invalidValue');
  });

  it('ETag: meta.version changes on every write; If-Match is honoured', async () => {
    const id = ids['Alice@Example.com'];
    const got = await t.http.get(`${a.base}/Users/${id}`).set(auth(a)).expect(200);
    const etag = got.headers.etag;
    expect(etag).toBe(got.body.meta.version);
    const ok = await t.http
      .patch(`${a.base}/Users/${id}`)
      .set(auth(a))
      .set('If-Match', etag)
      .send({ Operations: [{ op: 'replace', path: 'nickName', value: 'Al' }] })
      .expect(200);
    expect(ok.headers.etag).not.toBe(etag);
    expectScimError(
      await t.http
        .patch(`${a.base}/Users/${id}`)
        .set(auth(a))
        .set('If-Match', etag)
        .send({ Operations: [{ op: 'replace', path: 'nickName', value: 'Ally' }] }),
      412,
    );
    expectScimError(await t.http.put(`${a.base}/Users/${id}`).set(auth(a)).set('If-Match', etag).send({ userName: 'Alice@Example.com' }), 412);
    expectScimError(await t.http.delete(`${a.base}/Users/${id}`).set(auth(a)).set('If-Match', etag), 412);
    await t.http.get(`${a.base}/Users/${id}`).set(auth(a)).expect(200);
  });

  it('rejects wrong types and keeps nothing of a failed write', async () => {
    const before = (await t.http.get(`${a.base}/Users/${ids['carol@example.com']}`).set(auth(a)).expect(200)).body;
    expectScimError(await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'x@x.com', name: 'x' }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'x@x.com', active: 'yes' }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'no-email-here' }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${a.base}/Users`).set(auth(a)).send({ title: 'no userName' }), 400, 'invalidValue');
    const failed = await t.http
      .patch(`${a.base}/Users/${ids['carol@example.com']}`)
      .set(auth(a))
      .send({
        Operations: [
          { op: 'replace', path: 'title', value: 'Changed' },
          { op: 'replace', path: 'active', value: 'maybe' },
        ],
      });
    expectScimError(failed, 400, 'invalidValue');
    const after = (await t.http.get(`${a.base}/Users/${ids['carol@example.com']}`).set(auth(a)).expect(200)).body;
    expect(after).toEqual(before);
    expect((await t.http.get(`${a.base}/Users?filter=userName eq "x@x.com"`).set(auth(a))).body.totalResults).toBe(0);
  });

  it('concurrent creates of one userName: exactly one 201, the rest 409', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'race@example.com' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.scimType).toBe('uniqueness');
  });

  it('concurrent PATCHes of one user lose no change', async () => {
    const id = (await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'patched@example.com' }).expect(201)).body.id;
    const fields = ['title', 'nickName', 'userType', 'locale', 'timezone', 'preferredLanguage'];
    const results = await Promise.all(
      fields.map((f) =>
        t.http
          .patch(`${a.base}/Users/${id}`)
          .set(auth(a))
          .send({ Operations: [{ op: 'add', path: f, value: `v-${f}` }] }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(fields.map(() => 200));
    const final = (await t.http.get(`${a.base}/Users/${id}`).set(auth(a)).expect(200)).body;
    for (const f of fields) expect(final[f]).toBe(`v-${f}`);
    expect(final.meta.version).toBe(`W/"${1 + fields.length}"`);
    // A PATCH that lost the race left nothing behind: one audit event per change that was made.
    const trail = await t.http
      .get(`/admin/v1/tenants/${a.id}/audit-events?limit=100&resourceId=${id}`)
      .set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .expect(200);
    expect(trail.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['user.created', ...fields.map(() => 'user.updated')]);
  });

  it("renaming a user to another user's userName or email is a 409 that writes nothing", async () => {
    const taken = { userName: 'taken@example.com', emails: [{ value: 'taken.mail@example.com', primary: true }] };
    await t.http.post(`${a.base}/Users`).set(auth(a)).send(taken).expect(201);
    const mover = (await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'mover@example.com' }).expect(201)).body;
    const renamed = await t.http
      .patch(`${a.base}/Users/${mover.id}`)
      .set(auth(a))
      .send({ Operations: [{ op: 'replace', path: 'userName', value: 'TAKEN@example.com' }] });
    expectScimError(renamed, 409, 'uniqueness');
    expect(renamed.body.detail).toMatch(/userName/);
    const reemailed = await t.http
      .put(`${a.base}/Users/${mover.id}`)
      .set(auth(a))
      .send({ userName: 'mover@example.com', emails: [{ value: 'Taken.Mail@example.com', primary: true }] });
    expectScimError(reemailed, 409, 'uniqueness');
    expect(reemailed.body.detail).toMatch(/email/);
    const after = (await t.http.get(`${a.base}/Users/${mover.id}`).set(auth(a)).expect(200)).body;
    expect(after).toEqual(mover);
    const trail = await t.http
      .get(`/admin/v1/tenants/${a.id}/audit-events?limit=100&resourceId=${mover.id}`)
      .set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .expect(200);
    expect(trail.body.items.filter((e: { outcome: string }) => e.outcome === 'success').map((e: { action: string }) => e.action)).toEqual(['user.created']);
  });

  it('concurrent PUTs of one user all land, one version each, the last one whole', async () => {
    const id = (await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName: 'put.race@example.com' }).expect(201)).body.id;
    const titles = ['t1', 't2', 't3', 't4', 't5', 't6'];
    const results = await Promise.all(
      titles.map((title) => t.http.put(`${a.base}/Users/${id}`).set(auth(a)).send({ userName: 'put.race@example.com', title })),
    );
    expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
    const versions = results.map((r) => r.body.meta.version).sort();
    expect(new Set(versions).size).toBe(titles.length);
    const final = (await t.http.get(`${a.base}/Users/${id}`).set(auth(a)).expect(200)).body;
    expect(final.meta.version).toBe(`W/"${1 + titles.length}"`);
    expect(titles).toContain(final.title);
  });

  it('POST /Users/.search gives what GET gives, for every filter form tested above (RFC 7644 §3.4.3)', async () => {
    for (const filter of filterTable.map(([f]) => f)) {
      const viaGet = await t.http
        .get(`${a.base}/Users?filter=${encodeURIComponent(filter)}&sortBy=userName&attributes=userName,emails`)
        .set(auth(a))
        .expect(200);
      const viaPost = await t.http
        .post(`${a.base}/Users/.search`)
        .set(auth(a))
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter, sortBy: 'userName', attributes: ['userName', 'emails'] })
        .expect(200);
      expect(viaPost.body).toEqual(viaGet.body);
      expectContract(viaPost.body, 'UserListResponse');
    }
    const paged = await t.http
      .post(`${a.base}/Users/.search`)
      .set(auth(a))
      .send({ startIndex: 2, count: 1, excludedAttributes: ['emails'] })
      .expect(200);
    expect(paged.body).toEqual((await t.http.get(`${a.base}/Users?startIndex=2&count=1&excludedAttributes=emails`).set(auth(a)).expect(200)).body);
    expect([paged.body.startIndex, paged.body.itemsPerPage]).toEqual([2, 1]);
    expectScimError(await t.http.post(`${a.base}/Users/.search`).set(auth(a)).send({ filter: 'userName eq' }), 400, 'invalidFilter');
    expectScimError(await t.http.post(`${a.base}/Users/.search`).set(auth(a)).send({ count: 'ten' }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${a.base}/Users/.search`).set(auth(a)).send({ attributes: 'userName', bogus: 1 }), 400, 'invalidValue');
    expectScimError(
      await t.http
        .post(`${a.base}/Users/.search`)
        .set(auth(a))
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }),
      400,
      'invalidSyntax',
    );
    // Tenant scope holds for .search as for GET: B sees only its own alice.
    const b1 = await t.http.post(`${b.base}/Users/.search`).set(auth(b)).send({ filter: 'userName sw "a" or userName sw "b"' }).expect(200);
    expect(b1.body.totalResults).toBe(1);
  });

  it('POST /Groups/.search gives what GET gives', async () => {
    await t.http
      .post(`${a.base}/Groups`)
      .set(auth(a))
      .send({ displayName: 'Searchable', members: [{ value: ids['carol@example.com'] }] })
      .expect(201);
    const filter = `members eq "${ids['carol@example.com']}"`;
    const viaGet = await t.http
      .get(`${a.base}/Groups?filter=${encodeURIComponent(filter)}`)
      .set(auth(a))
      .expect(200);
    const viaPost = await t.http.post(`${a.base}/Groups/.search`).set(auth(a)).send({ filter }).expect(200);
    expect(viaPost.body).toEqual(viaGet.body);
    expect(viaPost.body.totalResults).toBe(1);
  });

  it('discovery endpoints describe what the server does', async () => {
    const spc = await t.http.get(`${a.base}/ServiceProviderConfig`).set(auth(a)).expect(200);
    expectContract(spc.body, 'ServiceProviderConfig');
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      etag: { supported: true },
      sort: { supported: true },
      bulk: { supported: true, maxOperations: 1000 },
      filter: { supported: true, maxResults: t.config.scim.maxResults },
    });
    const types = await t.http.get(`${a.base}/ResourceTypes`).set(auth(a)).expect(200);
    expectContract(types.body, 'ResourceTypeListResponse');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['User', 'Group']));
    expect(
      (await t.http.get(`${a.base}/ResourceTypes/User`).set(auth(a)).expect(200)).body.schemaExtensions.map((e: { schema: string }) => e.schema),
    ).toContain(ENT);
    const schemas = await t.http.get(`${a.base}/Schemas`).set(auth(a)).expect(200);
    expectContract(schemas.body, 'SchemaListResponse');
    const roster = (await t.http.get(`${a.base}/Schemas/urn:ietf:params:scim:schemas:extension:roster:2.0:User`).set(auth(a)).expect(200)).body;
    expect(roster.attributes.map((x: { name: string }) => x.name)).toEqual(['job_role', 'company', 'business_unit', 'team_name', 'security_champion']);
    expectScimError(await t.http.get(`${a.base}/Schemas/urn:nope`).set(auth(a)), 404);
    expectScimError(await t.http.get(`${a.base}/ResourceTypes/Nope`).set(auth(a)), 404);
    // What /Schemas says is what is enforced: learner attributes are described, an email needs its address,
    // a member is a user.
    expect(roster.attributes.every((x: { description: string }) => x.description.length > 20)).toBe(true);
    const core = (await t.http.get(`${a.base}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`).set(auth(a)).expect(200)).body;
    const emails = core.attributes.find((x: { name: string }) => x.name === 'emails');
    expect(emails.subAttributes.find((x: { name: string }) => x.name === 'value').required).toBe(true);
    const group = (await t.http.get(`${a.base}/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group`).set(auth(a)).expect(200)).body;
    const members = group.attributes.find((x: { name: string }) => x.name === 'members').subAttributes;
    expect(members.find((x: { name: string }) => x.name === '$ref').referenceTypes).toEqual(['User']);
    expect(members.find((x: { name: string }) => x.name === 'type').canonicalValues).toEqual(['User']);
  });

  it('refuses an email entry without an address, whatever the userName, and stores nothing', async () => {
    const valueless = [{ type: 'work', primary: true }];
    for (const userName of ['valueless@example.com', 'valueless-user']) {
      const refused = await t.http.post(`${a.base}/Users`).set(auth(a)).send({ userName, emails: valueless });
      expectScimError(refused, 400, 'invalidValue');
      expect(refused.body.detail).toContain('emails[0].value');
      expect(await find(a, `userName eq "${userName}"`)).toEqual([]);
    }
    const id = ids['carol@example.com'];
    const patched = await t.http
      .patch(`${a.base}/Users/${id}`)
      .set(auth(a))
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'emails', value: [{ type: 'home' }] }] });
    expectScimError(patched, 400, 'invalidValue');
  });
});
