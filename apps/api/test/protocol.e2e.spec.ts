import { loadContract } from '@roster/platform';
import { expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

// RFC 7644 completeness: what third-party SCIM test suites exercise beyond Okta's and Entra's flows.
describe.each(dialects())('SCIM protocol completeness on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Protocol');
  });
  afterAll(async () => t?.close());

  describe('manager references as IdPs send them (RFC 7643 §4.3)', () => {
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const refOf = (id: string) => `${t.config.publicUrl}${tenant.base}/Users/${id}`;
    const create = async (userName: string, manager?: unknown) =>
      (
        await t.http
          .post(`${tenant.base}/Users`)
          .set(auth())
          .send({ userName, ...(manager !== undefined ? { [ENT]: { manager } } : {}) })
          .expect(201)
      ).body;
    const patch = (id: string, ...Operations: unknown[]) => t.http.patch(`${tenant.base}/Users/${id}`).set(auth()).send({ Operations });

    it("Okta's managerId and OneLogin's external id are stored as sent, without $ref", async () => {
      const okta = await create('okta.report@example.com', { value: '00u1a2b3c4D5e6F7g8h9', displayName: 'Okta Boss' });
      expect(okta[ENT].manager).toEqual({ value: '00u1a2b3c4D5e6F7g8h9' });
      const onelogin = await create('onelogin.report@example.com', '4711');
      expect(onelogin[ENT].manager).toEqual({ value: '4711' });
      expect((await t.http.get(`${tenant.base}/Users/${onelogin.id}`).set(auth()).expect(200)).body[ENT].manager).toEqual({ value: '4711' });
    });

    it('a manager provisioned after its report resolves from then on', async () => {
      const report = await create('early.report@example.com');
      const boss = await create('late.boss@example.com');
      await patch(report.id, { op: 'Add', path: 'manager', value: boss.id }).expect(200);
      const read = await t.http
        .get(`${tenant.base}/Users?filter=${encodeURIComponent(`id eq "${report.id}"`)}`)
        .set(auth())
        .expect(200);
      expect(read.body.Resources[0][ENT].manager).toEqual({ value: boss.id, $ref: refOf(boss.id) });
    });

    it.each([
      [
        'add with a stale $ref',
        (m2: string, m1: string) => ({ op: 'add', path: `${ENT}:manager`, value: { value: m2, $ref: `https://elsewhere/Users/${m1}` } }),
      ],
      ['replace, path-less', (m2: string) => ({ op: 'replace', value: { [`${ENT}:manager`]: { value: m2 } } })],
      ['Entra plain id', (m2: string) => ({ op: 'Replace', path: `${ENT}:manager`, value: m2 })],
      ['Entra array under path manager', (m2: string, m1: string) => ({ op: 'Add', path: 'manager', value: [{ $ref: `http://x/Users/${m1}`, value: m2 }] })],
    ])('%s: $ref always names the user in value', async (_name, op) => {
      const [m1, m2] = [
        await create(`m1.${_name.length}.${Math.random().toString(36).slice(2, 7)}@example.com`),
        await create(`m2.${Math.random().toString(36).slice(2, 7)}@example.com`),
      ];
      const report = await create(`r.${Math.random().toString(36).slice(2, 7)}@example.com`, { value: m1.id });
      expect(report[ENT].manager).toEqual({ value: m1.id, $ref: refOf(m1.id) });
      const res = await patch(report.id, op(m2.id, m1.id)).expect(200);
      expect(res.body[ENT].manager).toEqual({ value: m2.id, $ref: refOf(m2.id) });
    });

    it('a $ref sent without a resolvable value is not kept', async () => {
      const user = await create('ref.only@example.com', { value: 'ext-1', $ref: 'https://idp.example/Users/ext-1' });
      expect(user[ENT].manager).toEqual({ value: 'ext-1' });
    });
  });

  it('attributes and excludedAttributes take attribute names only: a filter there is 400 invalidValue', async () => {
    await t.http
      .post(`${tenant.base}/Users`)
      .set(auth())
      .send({ userName: 'projection@example.com', emails: [{ value: 'projection@example.com', type: 'work' }] })
      .expect(201);
    for (const query of [
      'attributes=emails[type eq "work"]',
      'excludedAttributes=emails[type eq "work"].value',
      'attributes=userName,',
      'attributes=a b',
      'attributes=emails.value.x',
    ]) {
      const [name, value] = query.split('=');
      const res = await t.http.get(`${tenant.base}/Users?${name}=${encodeURIComponent(value)}`).set(auth());
      if (value.endsWith(',')) {
        expect(res.status).toBe(200); // an empty item in the list is skipped
        continue;
      }
      expectScimError(res, 400, 'invalidValue');
    }
    const ok = await t.http
      .get(
        `${tenant.base}/Users?filter=${encodeURIComponent('userName eq "projection@example.com"')}&attributes=${encodeURIComponent('emails.value,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,notAnAttribute')}`,
      )
      .set(auth())
      .expect(200);
    expect(ok.body.Resources[0].emails).toEqual([{ value: 'projection@example.com' }]);
    expect(ok.body.Resources[0].userName).toBeUndefined();
    expectScimError(
      await t.http.get(`${tenant.base}/Users/${ok.body.Resources[0].id}?excludedAttributes=${encodeURIComponent('emails[type eq "work"]')}`).set(auth()),
      400,
      'invalidValue',
    );
  });

  it('POST /.search lists matching users, then matching groups, paged across both', async () => {
    const fresh = await createTenant(t, 'Root search');
    const h = { Authorization: `Bearer ${fresh.token}` };
    for (const name of ['ann', 'bob'])
      await t.http
        .post(`${fresh.base}/Users`)
        .set(h)
        .send({ userName: `${name}@example.com`, displayName: `Team ${name}` })
        .expect(201);
    for (const name of ['ann', 'cat'])
      await t.http
        .post(`${fresh.base}/Groups`)
        .set(h)
        .send({ displayName: `Team ${name}` })
        .expect(201);
    const all = await t.http
      .post(`${fresh.base}/.search`)
      .set(h)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName sw "Team"' })
      .expect(200);
    expect(all.body.totalResults).toBe(4);
    expect(all.body.Resources.map((r: { schemas: string[]; displayName: string }) => `${r.schemas[0].split(':').pop()} ${r.displayName}`)).toEqual([
      'User Team ann',
      'User Team bob',
      'Group Team ann',
      'Group Team cat',
    ]);
    const page = await t.http
      .post(`${fresh.base}/.search`)
      .set(h)
      .send({ filter: 'displayName sw "Team"', startIndex: 2, count: 2, attributes: ['displayName'] })
      .expect(200);
    expect([page.body.totalResults, page.body.startIndex, page.body.itemsPerPage]).toEqual([4, 2, 2]);
    expect(page.body.Resources.map((r: { displayName: string }) => r.displayName)).toEqual(['Team bob', 'Team ann']);
    // userName exists only on users: groups simply do not match.
    const usersOnly = await t.http.post(`${fresh.base}/.search`).set(h).send({ filter: 'userName eq "bob@example.com"' }).expect(200);
    expect(usersOnly.body.totalResults).toBe(1);
    expectScimError(await t.http.post(`${fresh.base}/.search`).set(h).send({ filter: 'nosuch eq "x"' }), 400, 'invalidFilter');
    expectScimError(await t.http.post(`${fresh.base}/.search`).set(h).send({ sortBy: 'displayName' }), 400, 'invalidValue');
    expectScimError(await t.http.post(`${fresh.base}/.search`).send({}), 401);
  });

  describe('discovery tells the truth', () => {
    type SchemaAttribute = { name: string; type: string; required: boolean; multiValued: boolean; subAttributes?: SchemaAttribute[] };
    const schema = async (id: string) => (await t.http.get(`${tenant.base}/Schemas/${id}`).set(auth()).expect(200)).body as { attributes: SchemaAttribute[] };
    const contractRequired = (name: string) => {
      const component = loadContract().document.components.schemas[name] as { required?: string[]; allOf?: { required?: string[] }[] };
      return [...(component.required ?? []), ...(component.allOf ?? []).flatMap((part) => part.required ?? [])].sort();
    };
    const unique = () => Math.random().toString(36).slice(2, 10);
    // What a schema-driven client (scim2-tester) sends: the required attributes and nothing else.
    const minimal = (attributes: SchemaAttribute[]) =>
      Object.fromEntries(
        attributes
          .filter((a) => a.required)
          .map((a) => {
            if (a.type === 'complex') return [a.name, a.multiValued ? [{ value: `${unique()}@example.com` }] : { value: unique() }];
            return [a.name, `${a.name}-${unique()}`];
          }),
      );

    it('/Schemas, the validator and the OpenAPI document require the same attributes', async () => {
      for (const [urn, resource, write] of [
        ['urn:ietf:params:scim:schemas:core:2.0:User', 'Users', 'UserWrite'],
        ['urn:ietf:params:scim:schemas:core:2.0:Group', 'Groups', 'GroupWrite'],
      ] as const) {
        const { attributes } = await schema(urn);
        const required = attributes
          .filter((a) => a.required)
          .map((a) => a.name)
          .sort();
        expect(required).toEqual(contractRequired(write));
        // Each required attribute is enforced: without it the same minimal body is refused.
        for (const name of required) {
          const { [name]: _left, ...body } = minimal(attributes);
          const res = await t.http.post(`${tenant.base}/${resource}`).set(auth()).send(body);
          expectScimError(res, 400, 'invalidValue');
          expect(res.body.detail).toContain(name);
        }
        // And a body made of the required attributes alone, built from /Schemas, is created.
        await t.http.post(`${tenant.base}/${resource}`).set(auth()).send(minimal(attributes)).expect(201);
      }
    });

    it('advertises emails as required, and an email-shaped userName stands in for them', async () => {
      const emails = (await schema('urn:ietf:params:scim:schemas:core:2.0:User')).attributes.find((a) => a.name === 'emails')!;
      expect(emails.required).toBe(true);
      const created = await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'stand.in@example.com' }).expect(201);
      expect(created.body.emails).toEqual([{ value: 'stand.in@example.com', type: 'work', primary: true }]);
    });
  });

  describe('Bulk (RFC 7644 §3.7)', () => {
    const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
    const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) =>
      t.http
        .post(`${tenant.base}/Bulk`)
        .set(auth())
        .send({ schemas: [BULK], Operations, ...extra });
    const statuses = (res: { body: { Operations: { status: string }[] } }) => res.body.Operations.map((o) => o.status);

    it('creates a user and a group that refers to it by bulkId, in either order, and changes them by bulkId', async () => {
      const res = await bulk([
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: 'Bulk guides', members: [{ value: 'bulkId:u1' }] } },
        { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'bulk.one@example.com' } },
        { method: 'PATCH', path: '/Users/bulkId:u1', data: { Operations: [{ op: 'replace', value: { active: false } }] } },
      ]).expect(200);
      expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
      expect(statuses(res)).toEqual(['201', '201', '200']);
      const [group, user] = res.body.Operations;
      expect(user.location).toMatch(/\/Users\/[0-9a-f-]{36}$/);
      expect(user.version).toMatch(/^W\/"\d+"$/);
      const members = (await t.http.get(new URL(group.location).pathname).set(auth()).expect(200)).body.members;
      expect(members.map((m: { value: string }) => m.value)).toEqual([user.location.split('/').pop()]);
      expect((await t.http.get(new URL(user.location).pathname).set(auth()).expect(200)).body.active).toBe(false);
      // Each operation is audited as its single request would be.
      const audit = await t.http
        .get(`/admin/v1/tenants/${tenant.id}/audit-events?resourceId=${user.location.split('/').pop()}`)
        .set({ Authorization: 'Bearer test-admin-token-0123456789' })
        .expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['user.created', 'user.deactivated']);
    });

    it('reports each failure in its own operation; failOnErrors stops after that many', async () => {
      await bulk([{ method: 'POST', path: '/Users', bulkId: 'x', data: { userName: 'bulk.dup@example.com' } }]).expect(200);
      const res = await bulk([
        { method: 'POST', path: '/Users', bulkId: 'd1', data: { userName: 'bulk.dup@example.com' } },
        { method: 'DELETE', path: '/Users/00000000-0000-4000-8000-000000000000' },
        { method: 'POST', path: '/Groups', bulkId: 'd2', data: { displayName: 'Refers to a failure', members: [{ value: 'bulkId:d1' }] } },
        { method: 'POST', path: '/Users', bulkId: 'd3', data: { userName: 'bulk.after@example.com' } },
      ]).expect(200);
      expect(statuses(res)).toEqual(['409', '404', '409', '201']);
      expect(res.body.Operations[0].response).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '409',
        scimType: 'uniqueness',
      });
      const stopped = await bulk(
        [
          { method: 'POST', path: '/Users', bulkId: 'f1', data: { userName: 'bulk.dup@example.com' } },
          { method: 'POST', path: '/Users', bulkId: 'f2', data: { userName: 'bulk.never@example.com' } },
        ],
        { failOnErrors: 1 },
      ).expect(200);
      expect(statuses(stopped)).toEqual(['409']);
      expect(
        (await t.http.get(`${tenant.base}/Users?filter=${encodeURIComponent('userName eq "bulk.never@example.com"')}`).set(auth())).body.totalResults,
      ).toBe(0);
    });

    it('refuses circular and dangling bulkId references, and stays in its tenant', async () => {
      const other = await createTenant(t, 'Bulk other');
      const foreign = (
        await t.http
          .post(`${other.base}/Users`)
          .set({ Authorization: `Bearer ${other.token}` })
          .send({ userName: 'foreign@example.com' })
          .expect(201)
      ).body.id;
      const res = await bulk([
        { method: 'POST', path: '/Groups', bulkId: 'c1', data: { displayName: 'Cycle one', members: [{ value: 'bulkId:c2' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'c2', data: { displayName: 'Cycle two', members: [{ value: 'bulkId:c1' }] } },
        { method: 'PATCH', path: '/Users/bulkId:nowhere', data: { Operations: [{ op: 'replace', path: 'title', value: 'x' }] } },
        { method: 'DELETE', path: `/Users/${foreign}` },
      ]).expect(200);
      expect(statuses(res)).toEqual(['409', '409', '409', '404']);
      await t.http
        .get(`${other.base}/Users/${foreign}`)
        .set({ Authorization: `Bearer ${other.token}` })
        .expect(200);
    });

    it('advertises and enforces its limits', async () => {
      const config = (await t.http.get(`${tenant.base}/ServiceProviderConfig`).set(auth()).expect(200)).body;
      expect(config.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: t.config.bodyLimitBytes });
      const tooMany = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/id-${i}` }));
      expectScimError(await bulk(tooMany), 413);
      const big = Array.from({ length: 900 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `b${i}`,
        data: { userName: `big${i}@example.com`, title: 't'.repeat(1500) },
      }));
      expectScimError(await bulk(big), 413);
      expectScimError(await t.http.post(`${tenant.base}/Bulk`).set(auth()).send({ Operations: [] }), 400, 'invalidSyntax');
      expectScimError(await bulk([{ method: 'GET', path: '/Users' }]), 400, 'invalidValue');
      expectScimError(await bulk([{ method: 'POST', path: '/Users', data: { userName: 'no.bulkid@example.com' } }]), 400, 'invalidValue');
    });
  });

  it('/Me answers 501 with a SCIM error for every method, and 401 without a token (RFC 7644 §3.11)', async () => {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      expectScimError(
        await t.http[method](`${tenant.base}/Me`)
          .set(auth())
          .send(method === 'get' || method === 'delete' ? undefined : {}),
        501,
      );
      expectScimError(await t.http[method](`${tenant.base}/Me`), 401);
    }
  });
});
