import fc from 'fast-check';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ScimLimits } from '@roster/scim-core';
import { nestedJson } from '../../../test/support/hostile-inputs';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const paths = [
  'userName',
  'name.givenName',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'phoneNumbers.value',
  'addresses.locality',
  'active',
  'title',
  'meta.created',
  'meta.lastModified',
  'id',
  'externalId',
  'manager',
  'members',
  `${ENT}:department`,
  `${ENT}:manager`,
  `${ROSTER}:security_champion`,
  'displayName',
  'groups',
  'password',
  'x',
];
const values = [
  '"x"',
  '"2024-01-01T00:00:00Z"',
  'true',
  'false',
  '42',
  '-1.5',
  'null',
  '"00000000-0000-4000-8000-000000000000"',
  '"%_\\\\"',
  `"${'a'.repeat(300)}"`,
];
const ops = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

const comparison = fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...ops), fc.constantFrom(...values)).map(([p, o, v]) => `${p} ${o} ${v}`);
const atom = fc.oneof(
  comparison,
  fc.constantFrom(...paths).map((p) => `${p} pr`),
  comparison.map((c) => `emails[${c.replace(/^\S+/, 'type')}]`),
);
const filter = fc.oneof(
  atom,
  fc.tuple(atom, fc.constantFrom('and', 'or'), atom).map(([a, op, b]) => `${a} ${op} ${b}`),
  atom.map((a) => `not (${a})`),
  fc.string(),
);

// Strings built to break databases: NUL and other controls, unpaired surrogates, astral characters,
// and lengths on both sides of the column limits.
const hostileUnit = fc.constantFrom('a', 'Z', '@', '.', ' ', '"', '\\', '%', '_', '\u0000', '\u0007', '\u007f', '\ud800', '\udc00', '😀', 'é', '\n');
const hostile = fc.oneof(
  fc.array(hostileUnit, { maxLength: 12 }).map((units) => units.join('')),
  fc.tuple(fc.constantFrom('a', 'é', '😀', '\u0000'), fc.integer({ min: 500, max: 9000 })).map(([unit, n]) => unit.repeat(n)),
  fc.integer({ min: 0, max: 2 }).map((n) => `${'x'.repeat(510 + n)}@example.com`),
);
const year = fc.constantFrom('0000', '0001', '1970', '9999');
const escapeForFilter = (text: string) =>
  [...text]
    .map((c) => (c.length === 1 && /[\u0000-\u001f\u007f"\\\ud800-\udfff]/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
    .join('');

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
    userId = (
      await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .send({ userName: 'fuzz@example.com', emails: [{ value: 'fuzz@example.com', type: 'work' }] })
        .expect(201)
    ).body.id;
    groupId = (await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Fuzz' }).expect(201)).body.id;
  });
  afterAll(async () => t?.close());

  it('filters on /Users and /Groups', async () => {
    await fc.assert(
      fc.asyncProperty(
        filter,
        fc.constantFrom('Users', 'Groups'),
        fc.constantFrom('', '&sortBy=title', '&sortBy=meta.created&sortOrder=descending', '&attributes=emails.value'),
        async (f, resource, extra) => {
          const res = await t.http.get(`${tenant.base}/${resource}?filter=${encodeURIComponent(f)}${resource === 'Users' ? extra : ''}`).set(auth());
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('PATCH bodies on a user and a group', async () => {
    const op = fc.record({
      op: fc.constantFrom('add', 'Add', 'remove', 'replace', 'Replace', 'bogus'),
      path: fc.option(fc.constantFrom(...paths, 'emails[type eq "work"].value', 'members[value eq "x"]', `members[value eq "${'0'.repeat(8)}"]`), {
        nil: undefined,
      }),
      value: fc.jsonValue({ maxDepth: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), fc.constantFrom('Users', 'Groups'), async (Operations, resource) => {
        const id = resource === 'Users' ? userId : groupId;
        const res = await t.http
          .patch(`${tenant.base}/${resource}/${id}`)
          .set(auth())
          .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
        expect([200, 204, 400, 409]).toContain(res.status);
      }),
      { numRuns: 250 },
    );
  });

  it('hostile strings in bodies, filters, paths, URLs and admin input', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom('userName', 'displayName', 'externalId', 'email', 'emailType', 'filter', 'path', 'tenantKey', 'tenantName', 'groupName'),
        async (text, where) => {
          let res;
          switch (where) {
            case 'userName':
            case 'displayName':
            case 'externalId':
              res = await t.http
                .post(`${tenant.base}/Users`)
                .set(auth())
                .send({ userName: 'h@example.com', [where]: text });
              break;
            case 'email':
            case 'emailType':
              res = await t.http
                .patch(`${tenant.base}/Users/${userId}`)
                .set(auth())
                .send({ Operations: [{ op: 'add', path: 'emails', value: [where === 'email' ? { value: text } : { value: 'x@example.com', type: text }] }] });
              break;
            case 'filter':
              // The literal spells controls and surrogates as JSON escapes (lone surrogates cannot be URL-encoded);
              // at most 1,000 characters, so the URL stays under Node's header size limit.
              res = await t.http.get(`${tenant.base}/Users?filter=${encodeURIComponent(`userName eq "${escapeForFilter(text.slice(0, 1000))}"`)}`).set(auth());
              break;
            case 'path':
              res = await t.http
                .patch(`${tenant.base}/Users/${userId}`)
                .set(auth())
                .send({ Operations: [{ op: 'replace', path: text, value: 'x' }] });
              break;
            case 'tenantKey':
              // Every byte percent-encoded (a lone surrogate becomes U+FFFD, which is what a client's UTF-8 would carry).
              // (at most 300 characters: longer URLs are refused by Node's HTTP parser before Roster sees them)
              res = await t.http
                .get(`/scim/v2/${[...Buffer.from(text.slice(0, 300), 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}/Users`)
                .set(auth());
              break;
            case 'tenantName':
              res = await t.http.patch(`/admin/v1/tenants/${tenant.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: text });
              break;
            default:
              res = await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: text });
          }
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('year-0000 and edge dates in filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        year,
        fc.constantFrom('meta.created', 'meta.lastModified'),
        fc.constantFrom('gt', 'ge', 'lt', 'le', 'eq'),
        fc.constantFrom('Z', '+14:00', '-12:00'),
        async (y, attr, op, zone) => {
          const res = await t.http.get(`${tenant.base}/Users?filter=${encodeURIComponent(`${attr} ${op} "${y}-01-01T00:00:00${zone}"`)}`).set(auth());
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('oversized multi-valued PATCHes and long operation lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 1200 }),
        fc.constantFrom('phoneNumbers', 'emails', 'addresses', 'members'),
        async (values, ops, attribute) => {
          const value = Array.from({ length: values }, (_, i) =>
            attribute === 'addresses' ? { locality: `L${i}` } : attribute === 'members' ? { value: userId } : { value: `v${i}@example.com` },
          );
          const operations = Array.from({ length: ops }, () => ({ op: 'add', path: attribute, value }));
          const resource = attribute === 'members' ? `Groups/${groupId}` : `Users/${userId}`;
          const res = await t.http.patch(`${tenant.base}/${resource}`).set(auth()).send({ Operations: operations });
          expect([200, 204, 400, 413]).toContain(res.status);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('POST and PUT bodies', async () => {
    const body = fc.dictionary(
      fc.constantFrom('userName', 'displayName', 'name', 'emails', 'active', 'members', 'externalId', ENT, ROSTER, 'id', 'meta', 'schemas'),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST', 'PUT'), fc.constantFrom('Users', 'Groups'), async (b, method, resource) => {
        const url = method === 'POST' ? `${tenant.base}/${resource}` : `${tenant.base}/${resource}/${resource === 'Users' ? userId : groupId}`;
        const res = await (method === 'POST' ? t.http.post(url) : t.http.put(url)).set(auth()).send(b);
        expect([200, 201, 400, 409]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
  });

  it('deep nesting anywhere in a body, on any route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom<'array' | 'object'>('array', 'object'),
        fc.constantFrom('Users', 'Groups', 'Bulk', 'patch', '.search', 'admin'),
        async (depth, kind, target) => {
          // Nested as a value inside an otherwise plausible body, or as the whole body.
          const body = depth % 2 ? nestedJson(depth, kind) : `{"userName":"deep@example.com","title":${nestedJson(depth, kind)}}`;
          const send = (request: ReturnType<TestApp['http']['post']>) => request.set('Content-Type', 'application/scim+json').send(body);
          const res =
            target === 'patch'
              ? await send(t.http.patch(`${tenant.base}/Users/${userId}`).set(auth()))
              : target === 'admin'
                ? await send(t.http.post('/admin/v1/tenants').set('Authorization', `Bearer ${ADMIN_TOKEN}`))
                : await send(t.http.post(`${tenant.base}/${target}`).set(auth()));
          expect(res.status).toBeLessThan(500);
          if (depth > ScimLimits.maxJsonDepth + 1) expect([res.status, res.body.scimType]).toEqual([400, 'invalidSyntax']);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('documents near and past the largest a resource may be, through POST, PUT and Bulk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1000, max: 8192 }),
        fc.constantFrom('POST', 'PUT', 'Bulk'),
        async (count, length, how) => {
          const user = {
            userName: `big-${count}-${length}@example.com`,
            phoneNumbers: Array.from({ length: count }, (_, i) => ({ value: `${i} ${'9'.repeat(length - 8)}` })),
          };
          const res =
            how === 'POST'
              ? await t.http.post(`${tenant.base}/Users`).set(auth()).send(user)
              : how === 'PUT'
                ? await t.http
                    .put(`${tenant.base}/Users/${userId}`)
                    .set(auth())
                    .send({ ...user, userName: 'fuzz@example.com' })
                : await t.http
                    .post(`${tenant.base}/Bulk`)
                    .set(auth())
                    .send({
                      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
                      Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: user }],
                    });
          expect([200, 201, 400, 409, 413]).toContain(res.status);
          const stored = JSON.stringify(user).length > ScimLimits.maxResourceBytes + 200;
          if (how !== 'Bulk' && stored) expect(res.status).toBe(413);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('floods of Bulk requests at a tenant with the default rate', async () => {
    const limited = await createTenant(t, 'Flooded');
    await t.http.patch(`/admin/v1/tenants/${limited.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ rateLimitPerSecond: 50 }).expect(200);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 150 }), async (parallel, operations) => {
        const answers = await Promise.all(
          Array.from({ length: parallel }, (_, p) =>
            t.http
              .post(`${limited.base}/Bulk`)
              .set('Authorization', `Bearer ${limited.token}`)
              .send({
                schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
                Operations: Array.from({ length: operations }, (_, i) => ({
                  method: 'POST',
                  path: '/Users',
                  bulkId: `b${i}`,
                  data: { userName: `flood-${Math.random().toString(36).slice(2)}-${p}-${i}@example.com` },
                })),
              }),
          ),
        );
        for (const answer of answers) expect(operations > 100 ? [413, 429] : [200, 429]).toContain(answer.status);
      }),
      { numRuns: 15 },
    );
  });
});
