import fc from 'fast-check';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const paths = ['userName', 'name.givenName', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'phoneNumbers.value', 'addresses.locality', 'active', 'title',
  'meta.created', 'meta.lastModified', 'id', 'externalId', 'manager', 'members', `${ENT}:department`, `${ENT}:manager`, `${ROSTER}:security_champion`, 'displayName', 'groups', 'password', 'x'];
const values = ['"x"', '"2024-01-01T00:00:00Z"', 'true', 'false', '42', '-1.5', 'null', '"00000000-0000-4000-8000-000000000000"', '"%_\\\\"', `"${'a'.repeat(300)}"`];
const ops = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

const comparison = fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...ops), fc.constantFrom(...values)).map(([p, o, v]) => `${p} ${o} ${v}`);
const atom = fc.oneof(comparison, fc.constantFrom(...paths).map((p) => `${p} pr`), comparison.map((c) => `emails[${c.replace(/^\S+/, 'type')}]`));
const filter = fc.oneof(
  atom,
  fc.tuple(atom, fc.constantFrom('and', 'or'), atom).map(([a, op, b]) => `${a} ${op} ${b}`),
  atom.map((a) => `not (${a})`),
  fc.string(),
);

// No input produces a 500, on either database: random filters and PATCH bodies over real HTTP.
describe.each(dialects())('no 500s on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let userId: string;
  let groupId: string;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t);
    userId = (await t.http.post(`${tenant.base}/Users`).set(auth()).send({ userName: 'fuzz@example.com', emails: [{ value: 'fuzz@example.com', type: 'work' }] }).expect(201)).body.id;
    groupId = (await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Fuzz' }).expect(201)).body.id;
  });
  afterAll(async () => t?.close());

  it('filters on /Users and /Groups', async () => {
    await fc.assert(
      fc.asyncProperty(filter, fc.constantFrom('Users', 'Groups'), fc.constantFrom('', '&sortBy=title', '&sortBy=meta.created&sortOrder=descending', '&attributes=emails.value'), async (f, resource, extra) => {
        const res = await t.http.get(`${tenant.base}/${resource}?filter=${encodeURIComponent(f)}${resource === 'Users' ? extra : ''}`).set(auth());
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 250 },
    );
  });

  it('PATCH bodies on a user and a group', async () => {
    const op = fc.record({
      op: fc.constantFrom('add', 'Add', 'remove', 'replace', 'Replace', 'bogus'),
      path: fc.option(fc.constantFrom(...paths, 'emails[type eq "work"].value', 'members[value eq "x"]', `members[value eq "${'0'.repeat(8)}"]`), { nil: undefined }),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), fc.constantFrom('Users', 'Groups'), async (Operations, resource) => {
        const id = resource === 'Users' ? userId : groupId;
        const res = await t.http.patch(`${tenant.base}/${resource}/${id}`).set(auth()).send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
        expect([200, 204, 400, 409]).toContain(res.status);
      }),
      { numRuns: 250 },
    );
  });

  it('POST and PUT bodies', async () => {
    const body = fc.dictionary(fc.constantFrom('userName', 'displayName', 'name', 'emails', 'active', 'members', 'externalId', ENT, ROSTER, 'id', 'meta', 'schemas'), fc.jsonValue({ maxDepth: 2 }));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST', 'PUT'), fc.constantFrom('Users', 'Groups'), async (b, method, resource) => {
        const url = method === 'POST' ? `${tenant.base}/${resource}` : `${tenant.base}/${resource}/${resource === 'Users' ? userId : groupId}`;
        const res = await (method === 'POST' ? t.http.post(url) : t.http.put(url)).set(auth()).send(b);
        expect([200, 201, 400, 409]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
  });
});
