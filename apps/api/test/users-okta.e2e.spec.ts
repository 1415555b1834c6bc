import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// Replays of what Okta sends (docs/idp-behaviour.md), byte for byte where it matters.
describe.each(dialects())('Okta user flows on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const okta = () => ({ Authorization: `Bearer ${tenant.token}`, 'User-Agent': 'Okta SCIM Client 1.0.0', Accept: 'application/scim+json' });
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Okta tenant');
  });
  afterAll(async () => t?.close());

  const createBody = (userName: string, extra: Record<string, unknown> = {}) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
    ...extra,
  });

  it('F-OK-2: lookup, then create; 201 with the full resource, Location, ETag; password never stored or echoed', async () => {
    const lookup = await t.http.get(`${tenant.base}/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100`).set(okta()).expect(200);
    expect(lookup.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const res = await t.http
      .post(`${tenant.base}/Users`)
      .set(okta())
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .send(createBody('test.user@okta.local'))
      .expect(201);
    expectContract(res.body, 'User');
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toMatchObject({
      userName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
      displayName: 'Test User',
      locale: 'en-US',
    });
    expect(res.body.password).toBeUndefined();
    expect(res.body.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"' });
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.headers.location).toMatch(new RegExp(`${tenant.base}/Users/${res.body.id}$`));
    expect(res.headers.etag).toBe('W/"1"');
    const { MikroORM } = await import('@mikro-orm/core');
    const rows = await t.app.get(MikroORM).em.fork().getConnection().execute('select * from users');
    expect(JSON.stringify(rows)).not.toContain('1mz050nq');
    expect(JSON.stringify(await t.app.get(MikroORM).em.fork().getConnection().execute('select * from audit_events'))).not.toContain('1mz050nq');
    expect(t.logs.join('\n')).not.toContain('1mz050nq');

    const found = await t.http.get(`${tenant.base}/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100`).set(okta()).expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(res.body.id);
  });

  it('F-OK-2: a duplicate create is 409 uniqueness, case-insensitively, for userName and for email', async () => {
    await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('dup@okta.local')).expect(201);
    const again = await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('DUP@okta.local'));
    expectScimError(again, 409, 'uniqueness');
    const sameEmail = await t.http
      .post(`${tenant.base}/Users`)
      .set(okta())
      .send(createBody('other-name', { emails: [{ value: 'Dup@Okta.Local', type: 'work', primary: true }] }));
    expectScimError(sameEmail, 409, 'uniqueness');
    expect(sameEmail.body.detail).toMatch(/email/);
  });

  it('F-OK-3/4: GET then PUT echoing what we returned, readOnly echoes ignored', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('put.user@okta.local')).expect(201)).body;
    const got = (await t.http.get(`${tenant.base}/Users/${created.id}`).set(okta()).expect(200)).body;
    const put = await t.http
      .put(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send({
        ...got,
        name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
        meta: { ...got.meta, created: '04-12-2018 00:00:00' },
        emails: [{ primary: true, value: 'put.user@okta.local', type: 'work', display: 'put.user@okta.local' }],
        password: 'echoed',
      })
      .expect(200);
    expect(put.body.name).toEqual({ givenName: 'Another', middleName: 'Excited', familyName: 'User' });
    expect(put.body.externalId).toBe('00ujl29u0le5T6Aj10h7');
    expect(put.body.meta.created).toBe(created.meta.created);
    expect(put.body.meta.version).toBe('W/"2"');
    expect(put.headers.etag).toBe('W/"2"');
  });

  it('F-OK-4: a PUT whose id differs from the path is refused', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('put.id@okta.local')).expect(201)).body;
    expectScimError(
      await t.http
        .put(`${tenant.base}/Users/${created.id}`)
        .set(okta())
        .send({ ...createBody('put.id@okta.local'), id: '00000000-0000-4000-8000-000000000000' }),
      400,
      'mutability',
    );
    expectScimError(
      await t.http
        .put(`${tenant.base}/Users/${created.id}`)
        .set(okta())
        .send({ name: { givenName: 'x' } }),
      400,
      'invalidValue',
    );
  });

  it('F-OK-4 / C9337: pushing empty values does not error', async () => {
    const created = (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(okta())
        .send(createBody('empty@okta.local', { title: 'Boss', nickName: 'B' }))
        .expect(201)
    ).body;
    const put = await t.http
      .put(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send(createBody('empty@okta.local', { title: '', nickName: '' }))
      .expect(200);
    expect(put.body.title).toBeUndefined();
  });

  it('F-OK-5/6: deactivate with a path-less PATCH, user stays readable by id and filter, reactivate keeps the id', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('deact@okta.local')).expect(201)).body;
    const off = await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })
      .expect(200);
    expect(off.body.active).toBe(false);
    expect((await t.http.get(`${tenant.base}/Users/${created.id}`).set(okta()).expect(200)).body.active).toBe(false);
    const byFilter = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('userName eq "deact@okta.local"')}`)
      .set(okta())
      .expect(200);
    expect(byFilter.body.Resources[0].active).toBe(false);
    const on = await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: true } }] })
      .expect(200);
    expect(on.body).toMatchObject({ id: created.id, active: true, userName: 'deact@okta.local', name: created.name, emails: created.emails });
  });

  it('F-OK-5 (AIW): deactivate by PUT of the full object with active:false', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('aiw@okta.local')).expect(201)).body;
    const put = await t.http
      .put(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send({ ...created, active: false })
      .expect(200);
    expect(put.body.active).toBe(false);
  });

  it('F-OK-7: password sync is accepted and discarded', async () => {
    const created = (await t.http.post(`${tenant.base}/Users`).set(okta()).send(createBody('pw@okta.local')).expect(201)).body;
    const res = await t.http
      .patch(`${tenant.base}/Users/${created.id}`)
      .set(okta())
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { password: 'Cleartext-9' } }] })
      .expect(200);
    expect(JSON.stringify(res.body)).not.toContain('Cleartext-9');
    expect(res.body.meta.version).toBe(created.meta.version);
  });

  it('F-OK-8: imports page by 100 with a stable order and integer counters', async () => {
    const paging = await createTenant(t, 'Paging');
    const auth = { Authorization: `Bearer ${paging.token}` };
    for (let i = 0; i < 7; i++) {
      await t.http
        .post(`${paging.base}/Users`)
        .set(auth)
        .send({ userName: `p${i}@x.com` })
        .expect(201);
    }
    const all = (await t.http.get(`${paging.base}/Users`).set(auth).expect(200)).body;
    expect(all.totalResults).toBe(7);
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const page = (await t.http.get(`${paging.base}/Users?startIndex=${start}&count=3`).set(auth).expect(200)).body;
      expect(page).toMatchObject({ totalResults: 7, startIndex: start });
      expect(page.itemsPerPage).toBe(page.Resources.length);
      seen.push(...page.Resources.map((r: { id: string }) => r.id));
    }
    expect(seen).toEqual(all.Resources.map((r: { id: string }) => r.id));
    const countOnly = (await t.http.get(`${paging.base}/Users?count=0`).set(auth).expect(200)).body;
    expect(countOnly).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    const beyond = (await t.http.get(`${paging.base}/Users?startIndex=100&count=5`).set(auth).expect(200)).body;
    expect(beyond).toMatchObject({ totalResults: 7, startIndex: 100, itemsPerPage: 0, Resources: [] });
    const negative = (await t.http.get(`${paging.base}/Users?startIndex=-4&count=-1`).set(auth).expect(200)).body;
    expect(negative).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
  });

  it('F-OK-17: extension attributes under their URN, listed in schemas or not', async () => {
    const res = await t.http
      .post(`${tenant.base}/Users`)
      .set(okta())
      .send({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'jdoe@example.com',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales', employeeNumber: '1042' },
        'urn:ietf:params:scim:schemas:extension:roster:2.0:User': { job_role: 'Engineer', security_champion: 'true' },
        'urn:ietf:params:scim:schemas:extension:acme:2.0:User': { costTier: 'B' },
      })
      .expect(201);
    expect(res.body.schemas).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
    ]);
    expect(res.body['urn:ietf:params:scim:schemas:extension:roster:2.0:User']).toEqual({ job_role: 'Engineer', security_champion: true });
    expect(res.body['urn:ietf:params:scim:schemas:extension:acme:2.0:User']).toBeUndefined();
    const byDept = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"')}`)
      .set(okta())
      .expect(200);
    expect(byDept.body.Resources.map((r: { userName: string }) => r.userName)).toContain('jdoe@example.com');
    const champions = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent('urn:ietf:params:scim:schemas:extension:roster:2.0:User:security_champion eq true')}`)
      .set(okta())
      .expect(200);
    expect(champions.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['jdoe@example.com']);
  });

  it('F-OK-18: the Okta SCIM 2.0 SPEC test', async () => {
    const spec = await createTenant(t, 'Spec');
    const h = { Authorization: `Bearer ${spec.token}`, 'User-Agent': 'OKTA SCIM Integration', Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' };
    // The database must already hold a user with names, email and active.
    await t.http
      .post(`${spec.base}/Users`)
      .set(h)
      .send({ userName: 'seed@atko.com', name: { givenName: 'Seed', familyName: 'User' }, emails: [{ value: 'seed@atko.com', primary: true }] })
      .expect(201);
    const one = (await t.http.get(`${spec.base}/Users?count=1&startIndex=1`).set(h).expect(200)).body; // 1
    expect(one.Resources.length).toBe(1);
    for (const field of ['itemsPerPage', 'startIndex', 'totalResults']) expect(typeof one[field]).toBe('number');
    const r0 = one.Resources[0];
    expect(r0.id && r0.name.familyName && r0.name.givenName && r0.userName && r0.emails[0].value).toBeTruthy();
    expect(typeof r0.active).toBe('boolean');
    expect((await t.http.get(`${spec.base}/Users/${r0.id}`).set(h).expect(200)).body.id).toBe(r0.id); // 2
    expect((await t.http.get(`${spec.base}/Users?filter=userName eq "abcdefgh@atko.com"`).set(h).expect(200)).body.totalResults).toBe(0); // 3
    expectScimError(await t.http.get(`${spec.base}/Users/010101001010101011001010101011`).set(h), 404); // 4
    const email = 'Runscope123Abcdefghi456@atko.com';
    expect((await t.http.get(`${spec.base}/Users?filter=userName eq "${email}"`).set(h).expect(200)).body.totalResults).toBe(0); // 5
    const post = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Runscope123', familyName: 'Abcdefghi456' },
      emails: [{ primary: true, value: email, type: 'work' }],
      displayName: 'Runscope123 Abcdefghi456',
      active: true,
    };
    const created = await t.http
      .post(`${spec.base}/Users`)
      .set({ ...h, 'Content-Type': 'application/json' })
      .send(post)
      .expect(201); // 6
    expect(created.body).toMatchObject({ active: true, userName: email, name: post.name });
    expect(created.body.schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
    expect((await t.http.get(`${spec.base}/Users/${created.body.id}`).set(h).expect(200)).body.userName).toBe(email); // 7
    expect((await t.http.post(`${spec.base}/Users`).set(h).send(post)).status).toBe(409); // 8
    const caps = await t.http.get(`${spec.base}/Users?filter=userName eq "${email.toUpperCase()}"`).set(h).expect(200); // 9
    expect(caps.body.totalResults).toBe(1);
    const groups = await t.http.get(`${spec.base}/Groups`).set(h).expect(200); // 10 (optional)
    expect(Array.isArray(groups.body.Resources)).toBe(true);
    const unauth = await t.http.get(`${spec.base}/Users?filter=userName eq "${email}"`).set({ ...h, Authorization: 'non-token' }); // 11
    expectScimError(unauth, 401);
    expectScimError(await t.http.get(`${spec.base}/Users/00919288221112222`).set(h), 404); // 12
  });
});
