import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/core';
import { loadContract } from '@roster/platform';
import { ScimLimits } from '@roster/scim-core';
import { expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

// Regression tests for the defects an adversarial review found: each on both databases.
describe.each(dialects())('hardening on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });
  const url = (path: string) => `${tenant.base}${path}`;
  const createUser = async (name: string, extra: Record<string, unknown> = {}) =>
    (
      await t.http
        .post(url('/Users'))
        .set(auth())
        .send({ userName: `${name}@example.com`, ...extra })
        .expect(201)
    ).body as { id: string; meta: { version: string } };
  const createGroup = async (displayName: string, members: string[] = []) =>
    (
      await t.http
        .post(url('/Groups'))
        .set(auth())
        .send({ displayName, members: members.map((value) => ({ value })) })
        .expect(201)
    ).body as { id: string; meta: { version: string } };
  const patch = (resource: string, id: string, ...Operations: unknown[]) =>
    t.http
      .patch(url(`/${resource}/${id}`))
      .set(auth())
      .send({ schemas: [PATCH_OP], Operations });
  const members = async (groupId: string) =>
    (
      (
        await t.http
          .get(url(`/Groups/${groupId}`))
          .set(auth())
          .expect(200)
      ).body.members ?? []
    )
      .map((m: { value: string }) => m.value)
      .sort();

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Hardening');
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    // No request in this file may reach the unhandled-error path (a 500 with a stack trace in the log).
    expect(t.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });

  describe('correctness', () => {
    it('1: a deleted manager never blocks the offboarding of its reports (Okta and Entra deactivation)', async () => {
      const boss = await createUser('gone.boss');
      const report = await createUser('report', { [ENT]: { manager: { value: boss.id } } });
      const entraReport = await createUser('entra.report', { [ENT]: { manager: { value: boss.id } } });
      await t.http
        .delete(url(`/Users/${boss.id}`))
        .set(auth())
        .expect(204);
      const okta = await patch('Users', report.id, { op: 'replace', value: { active: false } }).expect(200);
      expect(okta.body.active).toBe(false);
      const entra = await patch('Users', entraReport.id, { op: 'Replace', path: 'active', value: 'False' }).expect(200);
      expect(entra.body.active).toBe(false);
      // PUT and other attributes too: the stored reference is kept as it is.
      const put = await t.http
        .put(url(`/Users/${report.id}`))
        .set(auth())
        .send({ userName: 'report@example.com', title: 'Former', [ENT]: { manager: { value: boss.id } } })
        .expect(200);
      expect(put.body[ENT].manager.value).toBe(boss.id);
    });

    it('2: a path-less group remove with members removes them', async () => {
      const [a, b, c] = [await createUser('pl.a'), await createUser('pl.b'), await createUser('pl.c')];
      const group = await createGroup('Path-less', [a.id, b.id, c.id]);
      await patch('Groups', group.id, { op: 'remove', value: { members: [{ value: a.id }, { value: c.id }] } }).expect(204);
      expect(await members(group.id)).toEqual([b.id]);
    });

    it("3: deleting a user changes its groups' versions, so a stale If-Match fails", async () => {
      const user = await createUser('member.deleted');
      const group = await createGroup('Versioned', [user.id]);
      const before = (
        await t.http
          .get(url(`/Groups/${group.id}`))
          .set(auth())
          .expect(200)
      ).body;
      await t.http
        .delete(url(`/Users/${user.id}`))
        .set(auth())
        .expect(204);
      const after = (
        await t.http
          .get(url(`/Groups/${group.id}`))
          .set(auth())
          .expect(200)
      ).body;
      expect(after.meta.version).not.toBe(before.meta.version);
      expect(after.members ?? []).toEqual([]);
      expectScimError(await patch('Groups', group.id, { op: 'replace', path: 'displayName', value: 'Stale' }).set('If-Match', before.meta.version), 412);
    });

    it('4: concurrent group PATCHes all succeed and lose nothing, like user PATCHes', async () => {
      const users = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(`conc.${i}`)));
      const group = await createGroup('Concurrent');
      const results = await Promise.all(
        users.map((u, i) =>
          patch('Groups', group.id, { op: 'add', path: 'members', value: [{ value: u.id }] }, { op: 'replace', path: 'externalId', value: `ext-${i}` }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(users.map(() => 204));
      expect(await members(group.id)).toEqual(users.map((u) => u.id).sort());
    });

    it('5: PATCH never stores two primary emails or the same email twice', async () => {
      const user = await createUser('primary', {
        emails: [
          { value: 'primary@example.com', type: 'work', primary: true },
          { value: 'home@example.org', type: 'home' },
        ],
      });
      const both = await patch('Users', user.id, { op: 'replace', path: 'emails.primary', value: true }).expect(200);
      expect(both.body.emails.filter((e: { primary?: boolean }) => e.primary === true)).toHaveLength(1);
      const dup = await patch('Users', user.id, { op: 'replace', path: 'emails[type eq "home"].value', value: 'PRIMARY@example.com' }).expect(200);
      expect(dup.body.emails.map((e: { value: string }) => e.value.toLowerCase())).toEqual(['primary@example.com']);
      // What PATCH stored is what a POST of the same document would store.
      const { id: _id, meta: _meta, schemas: _schemas, groups: _groups, ...document } = dup.body;
      const reposted = await t.http
        .post(url('/Users'))
        .set(auth())
        .send({ ...document, userName: 'primary.copy@example.com', emails: dup.body.emails.map((e: object) => ({ ...e, value: 'copy@example.com' })) })
        .expect(201);
      expect(reposted.body.emails).toHaveLength(1);
    });

    it.each([
      ['remove active', { op: 'remove', path: 'active' }],
      ['replace active null', { op: 'replace', path: 'active', value: null }],
      ['replace active ""', { op: 'replace', path: 'active', value: '' }],
      ['path-less active null', { op: 'replace', value: { active: null } }],
    ])('6: %s never activates a deactivated user', async (_name, operation) => {
      const user = await createUser(`inactive.${Math.random().toString(36).slice(2, 8)}`, { active: false });
      const res = await patch('Users', user.id, operation).expect(200);
      expect(res.body.active).toBe(false);
      expect(
        (
          await t.http
            .get(url(`/Users/${user.id}`))
            .set(auth())
            .expect(200)
        ).body.active,
      ).toBe(false);
    });
  });

  describe('no 500s, whatever the input', () => {
    it('7: NUL anywhere is refused before any SQL, authenticated or not', async () => {
      expectScimError(await t.http.get('/scim/v2/%00/Users'), 404);
      expectScimError(await t.http.get(`/scim/v2/acme%00x/Users`).set(auth()), 404);
      expectScimError(await t.http.get(`/scim/v2/%E0%A4%A/Users`).set(auth()), 404);
      expectScimError(await t.http.post(url('/Users')).set(auth()).send({ userName: 'nul\u0000@example.com' }), 400, 'invalidValue');
      expectScimError(await t.http.post(url('/Groups')).set(auth()).send({ displayName: 'G\u0000' }), 400, 'invalidValue');
      expectScimError(await t.http.get(url(`/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`)).set(auth()), 400, 'invalidFilter');
      expectScimError(await t.http.get(url('/Users?filter=userName%20eq%20%22a%00%22')).set(auth()), 400, 'invalidFilter');
      const user = await createUser('nul.target');
      expectScimError(await patch('Users', user.id, { op: 'replace', path: 'title\u0000', value: 'x' }), 400);
      expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Evil\u0000Corp' }), 400, 'invalidValue');
      expectScimError(await t.http.get('/admin/v1/tenants?x=%00').set(admin), 400, 'invalidValue');
    });

    it.each([
      ['userName', { userName: `${'u'.repeat(510)}@example.com` }],
      ['externalId', { userName: 'len.ext@example.com', externalId: 'e'.repeat(513) }],
      ['displayName', { userName: 'len.dn@example.com', displayName: 'd'.repeat(513) }],
      ['emails value', { userName: 'len.email', emails: [{ value: `${'e'.repeat(510)}@example.com` }] }],
      ['emails type', { userName: 'len.type@example.com', emails: [{ value: 'len.type@example.com', type: 't'.repeat(65) }] }],
    ])('8: an over-long %s is 400 invalidValue (the same on both databases)', async (_name, body) => {
      expectScimError(await t.http.post(url('/Users')).set(auth()).send(body), 400, 'invalidValue');
    });

    it('8: values exactly at the limits are stored and found again', async () => {
      const userName = `${'u'.repeat(500)}@example.com`;
      expect(userName.length).toBe(512);
      const created = await t.http
        .post(url('/Users'))
        .set(auth())
        .send({ userName, externalId: 'x'.repeat(512), displayName: '😀'.repeat(512) })
        .expect(201);
      const found = await t.http
        .get(url(`/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`))
        .set(auth())
        .expect(200);
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
      expectScimError(
        await t.http
          .post(url('/Groups'))
          .set(auth())
          .send({ displayName: 'g'.repeat(513) }),
        400,
        'invalidValue',
      );
    });

    it('9: unpaired surrogates are refused in bodies and filters', async () => {
      const raw = (text: string) => t.http.post(url('/Users')).set(auth()).set('Content-Type', 'application/scim+json').send(text);
      expectScimError(await raw('{"userName":"sur\\ud800rogate@example.com"}'), 400, 'invalidValue');
      expectScimError(await raw('{"userName":"ok@example.com","name":{"givenName":"\\udc00"}}'), 400, 'invalidValue');
      expectScimError(await t.http.get(url(`/Users?filter=${encodeURIComponent('userName eq "\\ud800"')}`)).set(auth()), 400, 'invalidFilter');
    });

    it('10: adding a member while that user is being deleted never gives a 500', async () => {
      const group = await createGroup('Racing');
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) {
        const user = await createUser(`race.${i}`);
        const [add, del] = await Promise.all([
          patch('Groups', group.id, { op: 'add', path: 'members', value: [{ value: user.id }] }),
          t.http.delete(url(`/Users/${user.id}`)).set(auth()),
        ]);
        statuses.push(add.status, del.status);
      }
      expect(statuses.every((s) => [204, 400, 409].includes(s))).toBe(true);
      // Whatever the interleaving, no membership of a deleted user survives.
      expect(await members(group.id)).toEqual([]);
    });

    it('11: year-0000 dates are invalid filters, not database errors', async () => {
      expectScimError(await t.http.get(url(`/Users?filter=${encodeURIComponent('meta.created gt "0000-01-01T00:00:00Z"')}`)).set(auth()), 400, 'invalidFilter');
      expectScimError(
        await t.http.get(url(`/Users?filter=${encodeURIComponent('meta.lastModified lt "0001-01-01T00:00:00+05:00"')}`)).set(auth()),
        400,
        'invalidFilter',
      );
      await t.http
        .get(url(`/Users?filter=${encodeURIComponent('meta.created gt "0001-01-01T00:00:00Z"')}`))
        .set(auth())
        .expect(200);
      expectScimError(await t.http.get(`/admin/v1/tenants/${tenant.id}/audit-events?since=0000-01-01T00:00:00Z`).set(admin), 400, 'invalidValue');
    });

    it('13: oversized multi-valued PATCHes are refused at once', async () => {
      const user = await createUser('big.patch');
      const phones = Array.from({ length: 20_000 }, (_, i) => ({ value: `+1555${i}`, type: 'mobile' }));
      expectScimError(await patch('Users', user.id, { op: 'add', path: 'phoneNumbers', value: phones }), 400, 'invalidValue');
      const ops = Array.from({ length: ScimLimits.maxPatchOperations + 1 }, (_, i) => ({ op: 'add', path: 'phoneNumbers', value: [{ value: `+1${i}` }] }));
      expectScimError(await patch('Users', user.id, ...ops), 413);
      const group = await createGroup('Big');
      const ids = Array.from({ length: ScimLimits.maxMemberValues + 1 }, () => ({ value: '00000000-0000-4000-8000-000000000000' }));
      expectScimError(await patch('Groups', group.id, { op: 'add', path: 'members', value: ids }), 413);
      const filters = Array.from({ length: ScimLimits.maxMemberFilters + 1 }, (_, i) => ({ op: 'remove', path: `members[display eq "u${i}"]` }));
      expectScimError(await patch('Groups', group.id, ...filters), 413);
      // The user is unchanged by the refused requests.
      expect(
        (
          await t.http
            .get(url(`/Users/${user.id}`))
            .set(auth())
            .expect(200)
        ).body.phoneNumbers,
      ).toBeUndefined();
    });
  });

  describe('authentication', () => {
    it('14: the token is read from the Authorization header only', async () => {
      expectScimError(await t.http.get(url(`/Users?access_token=${tenant.token}`)).set('Authorization', 'junk junk junk'), 401);
      expectScimError(await t.http.get(url(`/Users?access_token=${tenant.token}`)), 401);
      // A body field named access_token is data (ignored as an unknown attribute), not a credential clash.
      await t.http.post(url('/Users')).set(auth()).send({ userName: 'body.token@example.com', access_token: 'x' }).expect(201);
    });

    it('15: every operation the contract secures answers 401 without credentials', async () => {
      const paths = loadContract().document.paths as Record<string, Record<string, { security?: unknown[] }>>;
      const operations = Object.entries(paths).flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method, op]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method) && (op.security === undefined || op.security.length > 0))
          .map(([method]) => ({ method, path })),
      );
      expect(operations.length).toBeGreaterThan(20);
      for (const { method, path } of operations) {
        // A fresh tenant each time: the failed-authentication throttle would otherwise answer 429.
        const fresh = await createTenant(t, `Walk ${method} ${path}`.slice(0, 60));
        const concrete = path
          .replace('{tenant}', fresh.slug)
          .replace('{tenantId}', fresh.id)
          .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const call = (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)[method];
        const res = await call.call(t.http, concrete).send(method === 'get' || method === 'delete' ? undefined : {});
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      }
    });

    it('17: a slug may not look like an id, and an id always wins over a slug', async () => {
      const victim = await createTenant(t, 'Victim');
      expectScimError(await t.http.post('/admin/v1/tenants').set(admin).send({ name: 'Shadow', slug: victim.id }), 400, 'invalidValue');
      expect((await t.http.post('/admin/v1/tenants').set(admin).send({ name: victim.id }).expect(201)).body.slug).not.toBe(victim.id);
      // A slug stored before the rule existed never shadows the tenant whose id it spells.
      const connection = t.app.get(MikroORM).em.fork().getConnection();
      const attacker = await createTenant(t, 'Attacker');
      await connection.execute('update tenants set slug = ? where id = ?', [victim.id, attacker.id]);
      await t.http.get(`/scim/v2/${victim.id}/Users`).set('Authorization', `Bearer ${victim.token}`).expect(200);
      expectScimError(await t.http.get(`/scim/v2/${victim.id}/Users`).set('Authorization', `Bearer ${attacker.token}`), 401);
    });
  });

  describe('fair limits per tenant', () => {
    it('18: over its rate a tenant gets 429 with an integer Retry-After; other tenants are untouched', async () => {
      const busy = await createTenant(t, 'Busy');
      const quiet = await createTenant(t, 'Quiet');
      expectScimError(await t.http.patch(`/admin/v1/tenants/${busy.id}`).set(admin).send({ rateLimitPerSecond: 10 }), 400, 'invalidValue');
      const updated = await t.http.patch(`/admin/v1/tenants/${busy.id}`).set(admin).send({ rateLimitPerSecond: 25 }).expect(200);
      expect(updated.body.rateLimitPerSecond).toBe(25);
      const burst = await Promise.all(
        Array.from({ length: 90 }, () => t.http.get(`${busy.base}/ServiceProviderConfig`).set('Authorization', `Bearer ${busy.token}`)),
      );
      const limited = burst.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(burst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(50); // the burst allowance, twice the rate
      expectScimError(limited[0], 429);
      expect(limited[0].headers['retry-after']).toMatch(/^[1-9]\d*$/);
      await t.http.get(`${quiet.base}/ServiceProviderConfig`).set('Authorization', `Bearer ${quiet.token}`).expect(200);
      const reset = await t.http.patch(`/admin/v1/tenants/${busy.id}`).set(admin).send({ rateLimitPerSecond: null }).expect(200);
      expect(reset.body.rateLimitPerSecond).toBeNull();
      const audit = await t.http.get(`/admin/v1/tenants/${busy.id}/audit-events?action=tenant.updated`).set(admin).expect(200);
      expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
    });

    it('18: repeated failed authentications are throttled before they reach the database', async () => {
      const target = await createTenant(t, 'Throttled');
      await t.http.get(`${target.base}/Users`).set('Authorization', `Bearer ${target.token}`).expect(200); // the IdP syncing
      const results = [];
      for (let i = 0; i < 25; i++) results.push(await t.http.get(`${target.base}/Users`).set('Authorization', `Bearer rstr-wrong-${i}`));
      expect(results.slice(0, 10).every((r) => r.status === 401)).toBe(true);
      const throttled = results.filter((r) => r.status === 429);
      expect(throttled.length).toBeGreaterThanOrEqual(14);
      expect(throttled[0].headers['retry-after']).toMatch(/^[1-9]\d*$/);
      const rows = (await t.app
        .get(MikroORM)
        .em.fork()
        .getConnection()
        .execute('select count from auth_failure_counters where tenant_id = ?', [target.id])) as { count: number | string }[];
      expect(Number(rows[0].count)).toBeLessThanOrEqual(11);
      // The tenant's own identity provider, with the right token, is not locked out by a stranger's guesses.
      await t.http.get(`${target.base}/Users`).set('Authorization', `Bearer ${target.token}`).expect(200);
    });
  });
});

describe.each(dialects())('forwarded headers on %s', (dialect) => {
  it('16: are ignored unless ROSTER_TRUST_PROXY trusts the proxy', async () => {
    // Both apps live side by side, as separate processes would. A PostgreSQL app started in this process
    // after another one was closed sometimes never answered its first SCIM request (cause not yet found;
    // production runs one app per process).
    const cases = [
      ['', 'http://roster.internal:8080'],
      ['loopback', 'https://scim.example.com'],
    ] as const;
    const apps = await Promise.all(cases.map(([trust]) => startTestApp(dialect, { ROSTER_PUBLIC_URL: '', ROSTER_TRUST_PROXY: trust })));
    try {
      for (const [index, [, expected]] of cases.entries()) {
        const t = apps[index];
        const tenant = await createTenant(t, 'Proxy');
        // A listening server and a connection of its own (no pooled socket), with the Host a proxy would send.
        await t.app.listen(0, '127.0.0.1');
        const { port } = t.app.getHttpServer().address() as AddressInfo;
        const res = await new Promise<{ status: number; location?: string; body: { id: string } }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: `${tenant.base}/Users`,
              agent: false,
              headers: {
                Authorization: `Bearer ${tenant.token}`,
                Host: 'roster.internal:8080',
                'X-Forwarded-Proto': 'https',
                'X-Forwarded-Host': 'scim.example.com',
                'Content-Type': 'application/scim+json',
              },
            },
            (response) => {
              let text = '';
              response.on('data', (chunk) => (text += chunk));
              response.on('end', () => resolve({ status: response.statusCode!, location: response.headers.location, body: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ userName: 'proxy@example.com' }));
        });
        expect(res.status).toBe(201);
        expect(res.location).toBe(`${expected}/scim/v2/${tenant.slug}/Users/${res.body.id}`);
      }
    } finally {
      for (const t of apps) await t.close();
    }
  });
});
