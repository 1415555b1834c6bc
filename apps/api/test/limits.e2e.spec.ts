import { MikroORM } from '@mikro-orm/core';
import { ScimLimits } from '@roster/scim-core';
import { expectScimError } from '../../../test/support/contract-assert';
import { nestedJson } from '../../../test/support/hostile-inputs';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

function bulkOfCreates(n: number, prefix: string): Record<string, unknown> {
  return {
    schemas: [BULK],
    Operations: Array.from({ length: n }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { userName: `${prefix}-${i}@example.com` } })),
  };
}

// Regression tests of the limits that keep one request (or one tenant) from taking the service down; each
// on both databases. The process-level proof (the same server still answers) is in survival.e2e.spec.ts.
describe.each(dialects())('limits on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const auth = (token = tenant.token) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Limits');
  });
  afterAll(async () => t?.close());
  afterEach(() => expect(t.logs.filter((line) => line.includes('unhandled error'))).toEqual([]));

  describe('JSON nesting', () => {
    it.each(['array', 'object'] as const)(
      'a body nested deeper than the limit is a 400 invalidSyntax on every route, with or without a token (%s)',
      async (kind) => {
        const deep = nestedJson(5000, kind);
        const targets = [
          t.http.post('/health'),
          t.http.post('/scim/v2/no-such-tenant/Users'),
          t.http.post(`${tenant.base}/Users`).set(auth()),
          t.http.patch(`${tenant.base}/Users/00000000-0000-4000-8000-000000000000`).set(auth()),
          t.http.post(`${tenant.base}/Bulk`).set(auth()),
          t.http.post('/admin/v1/tenants').set(admin),
          t.http.post('/events/v1/streams/00000000-0000-4000-8000-000000000000/poll'),
        ];
        for (const target of targets) {
          const response = await target.set('Content-Type', 'application/scim+json').send(deep);
          expectScimError(response, 400, 'invalidSyntax');
          expect(response.body.detail).toContain(`deeper than ${ScimLimits.maxJsonDepth} levels`);
        }
      },
    );

    it('the limit itself is accepted as far as nesting goes (and then judged as SCIM)', async () => {
      const atLimit = nestedJson(ScimLimits.maxJsonDepth, 'object');
      const response = await t.http.post(`${tenant.base}/Users`).set(auth()).set('Content-Type', 'application/scim+json').send(atLimit);
      expect(response.status).toBe(400);
      expect(response.body.detail).not.toContain('deeper than');
      const patchValue = await t.http
        .post(`${tenant.base}/Users`)
        .set(auth())
        .send({ userName: 'deep-value@example.com', title: JSON.parse(nestedJson(ScimLimits.maxJsonDepth + 1, 'array')) });
      expectScimError(patchValue, 400, 'invalidSyntax');
    });
  });

  describe('resource size and page size', () => {
    // Valid, limit-respecting values (each phone number within the 8,192-character limit), many of them.
    const bulky = (name: string, phones: number) => ({
      userName: `${name}@example.com`,
      phoneNumbers: Array.from({ length: phones }, (_, i) => ({ value: `+1 ${String(i).padStart(4, '0')} ${'5'.repeat(7990)}`, type: 'work' })),
    });

    it('a resource larger than 64 KB stored is a 413 on POST, PUT, PATCH and in Bulk, and nothing is written', async () => {
      const tooLarge = await t.http.post(`${tenant.base}/Users`).set(auth()).send(bulky('too-large', 9));
      expectScimError(tooLarge, 413);
      expect(tooLarge.body.detail).toMatch(/would take 7\d,\d{3} bytes stored; a resource may take at most 65,536/);
      const user = (await t.http.post(`${tenant.base}/Users`).set(auth()).send(bulky('grows', 7)).expect(201)).body as {
        id: string;
        meta: { version: string };
      };
      expectScimError(await t.http.put(`${tenant.base}/Users/${user.id}`).set(auth()).send(bulky('grows', 9)), 413);
      const patch = await t.http
        .patch(`${tenant.base}/Users/${user.id}`)
        .set(auth())
        .send({ Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: `+44 ${'6'.repeat(8000)}` }, { value: `+33 ${'7'.repeat(8000)}` }] }] });
      expectScimError(patch, 413);
      const bulk = await t.http
        .post(`${tenant.base}/Bulk`)
        .set(auth())
        .send({ schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', bulkId: 'big', data: bulky('bulk-large', 9) }] })
        .expect(200);
      expect(bulk.body.Operations[0].status).toBe('413');
      const after = await t.http.get(`${tenant.base}/Users/${user.id}`).set(auth()).expect(200);
      expect([after.body.meta.version, after.body.phoneNumbers.length]).toEqual([user.meta.version, 7]);
      for (const name of ['too-large', 'bulk-large']) {
        const found = await t.http
          .get(`${tenant.base}/Users`)
          .query({ filter: `userName eq "${name}@example.com"` })
          .set(auth())
          .expect(200);
        expect(found.body.totalResults).toBe(0);
      }
    });

    it('a page holds at most 2 MB of resources: fewer than count, and the walk by index or by cursor still reaches every one', async () => {
      const target = await createTenant(t, 'Big pages');
      const ids: string[] = [];
      for (let i = 0; i < 80; i++) {
        ids.push(
          (
            await t.http
              .post(`${target.base}/Users`)
              .set(auth(target.token))
              .send(bulky(`big-${i}`, 7))
              .expect(201)
          ).body.id,
        );
      }
      const first = await t.http.get(`${target.base}/Users?count=1000`).set(auth(target.token)).expect(200);
      expect(first.body.totalResults).toBe(80);
      expect(first.body.itemsPerPage).toBeLessThan(80);
      expect(first.body.itemsPerPage).toBeGreaterThan(20);
      expect(first.body.Resources).toHaveLength(first.body.itemsPerPage);
      expect(Buffer.byteLength(first.text)).toBeLessThan(ScimLimits.maxPageBytes + 70_000);

      const seen: string[] = [];
      for (let start = 1; start <= 80;) {
        const page = await t.http.get(`${target.base}/Users?count=1000&startIndex=${start}`).set(auth(target.token)).expect(200);
        expect(page.body.totalResults).toBe(80);
        seen.push(...page.body.Resources.map((r: { id: string }) => r.id));
        start += page.body.itemsPerPage;
      }
      expect(seen).toEqual(ids);

      const byCursor: string[] = [];
      for (let cursor = ''; ;) {
        const page = await t.http.get(`${target.base}/Users`).query({ count: 1000, cursor }).set(auth(target.token)).expect(200);
        byCursor.push(...page.body.Resources.map((r: { id: string }) => r.id));
        if (!page.body.nextCursor) break;
        cursor = page.body.nextCursor;
      }
      expect(byCursor).toEqual(ids);

      // The same through a filter (a page found by search is bounded alike), and sorted (read by OFFSET).
      const searched = await t.http
        .post(`${target.base}/Users/.search`)
        .set(auth(target.token))
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "big-"', count: 1000 })
        .expect(200);
      expect([searched.body.totalResults, searched.body.itemsPerPage]).toEqual([80, first.body.itemsPerPage]);
      const root = await t.http
        .post(`${target.base}/.search`)
        .set(auth(target.token))
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 1000 })
        .expect(200);
      expect([root.body.totalResults, root.body.itemsPerPage]).toEqual([80, first.body.itemsPerPage]);
      const rootNext = await t.http
        .post(`${target.base}/.search`)
        .set(auth(target.token))
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 1000, startIndex: root.body.itemsPerPage + 1 })
        .expect(200);
      expect(rootNext.body.Resources[0].id).toBe(ids[root.body.itemsPerPage]);
      const sorted = await t.http.get(`${target.base}/Users?count=1000&startIndex=3&sortBy=userName`).set(auth(target.token)).expect(200);
      expect(sorted.body.totalResults).toBe(80);
      expect(sorted.body.itemsPerPage).toBeLessThan(78);
    });
  });

  describe('Bulk through the rate limit', () => {
    it('each operation takes a token: the tenant advertises its own maxOperations, a larger Bulk is a 413, a Bulk the bucket cannot pay is a 429 that runs nothing', async () => {
      const limited = await createTenant(t, 'Bulk limited');
      await t.http.patch(`/admin/v1/tenants/${limited.id}`).set(admin).send({ rateLimitPerSecond: 25 }).expect(200);
      const config = await t.http.get(`${limited.base}/ServiceProviderConfig`).set(auth(limited.token)).expect(200);
      expect(config.body.bulk.maxOperations).toBe(50); // twice the rate: what the bucket holds
      const other = await t.http.get(`${tenant.base}/ServiceProviderConfig`).set(auth()).expect(200);
      expect(other.body.bulk.maxOperations).toBe(ScimLimits.maxBulkOperations);

      const tooLarge = await t.http.post(`${limited.base}/Bulk`).set(auth(limited.token)).send(bulkOfCreates(51, 'large'));
      expectScimError(tooLarge, 413);
      expect(tooLarge.body.detail).toContain('at most 50 operations');

      const first = await t.http.post(`${limited.base}/Bulk`).set(auth(limited.token)).send(bulkOfCreates(40, 'first')).expect(200);
      expect(first.body.Operations.every((o: { status: string }) => o.status === '201')).toBe(true);
      const refused = await t.http.post(`${limited.base}/Bulk`).set(auth(limited.token)).send(bulkOfCreates(40, 'second'));
      expectScimError(refused, 429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      const users = await t.http.get(`${limited.base}/Users?count=0`).set(auth(limited.token)).expect(200);
      expect(users.body.totalResults).toBe(40); // the refused Bulk ran nothing
    });

    it('a flood of Bulk requests writes no faster than the tenant rate allows', async () => {
      const flooded = await createTenant(t, 'Bulk flood');
      await t.http.patch(`/admin/v1/tenants/${flooded.id}`).set(admin).send({ rateLimitPerSecond: 25 }).expect(200);
      const started = Date.now();
      const answers = [];
      for (let round = 0; round < 3; round++) {
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              t.http
                .post(`${flooded.base}/Bulk`)
                .set(auth(flooded.token))
                .send(bulkOfCreates(20, `flood-${round}-${i}`)),
            ),
          )),
        );
      }
      const seconds = (Date.now() - started) / 1000;
      const [row] = (await t.app.get(MikroORM).em.fork().getConnection().execute('select count(*) as n from users where tenant_id = ?', [flooded.id])) as {
        n: number | string;
      }[];
      const created = Number(row.n);
      // The bucket's 50, plus what it refilled meanwhile; without the limit all 480 land.
      expect(created).toBeLessThanOrEqual(50 + Math.ceil(seconds * 25) + 20);
      expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
      expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    });
  });

  describe('revocation takes effect at once in the process that makes it', () => {
    it('a rotated token, a revoked token and a disabled tenant are refused on the very next request', async () => {
      const target = await createTenant(t, 'Revoked');
      const list = () => t.http.get(`${target.base}/Users`);
      await list().set(auth(target.token)).expect(200); // remembered for a second from here on

      const rotated = await t.http.post(`/admin/v1/tenants/${target.id}/tokens`).set(admin).send({}).expect(201);
      await list().set(auth(target.token)).expect(401);
      await list().set(auth(rotated.body.token)).expect(200);

      await t.http.delete(`/admin/v1/tenants/${target.id}/tokens/${rotated.body.id}`).set(admin).expect(204);
      await list().set(auth(rotated.body.token)).expect(401);

      const fresh = await t.http.post(`/admin/v1/tenants/${target.id}/tokens`).set(admin).send({}).expect(201);
      await list().set(auth(fresh.body.token)).expect(200);
      await t.http.patch(`/admin/v1/tenants/${target.id}`).set(admin).send({ scimEnabled: false }).expect(200);
      await list().set(auth(fresh.body.token)).expect(403);
      await t.http.patch(`/admin/v1/tenants/${target.id}`).set(admin).send({ scimEnabled: true }).expect(200);
      await list().set(auth(fresh.body.token)).expect(200);
    });

    it('an overlap keeps the previous token working, as asked', async () => {
      const target = await createTenant(t, 'Overlap');
      await t.http.get(`${target.base}/Users`).set(auth(target.token)).expect(200);
      await t.http.post(`/admin/v1/tenants/${target.id}/tokens`).set(admin).send({ revokeOthersAfterSeconds: 600 }).expect(201);
      await t.http.get(`${target.base}/Users`).set(auth(target.token)).expect(200);
    });
  });

  describe('poll acknowledgements', () => {
    it('an ack for a sequence number no change has taken yet changes nothing: the change that takes it later is delivered', async () => {
      const target = await createTenant(t, 'Stray ack');
      const created = await t.http.post(`/admin/v1/tenants/${target.id}/event-streams`).set(admin).send({ delivery: 'poll' }).expect(201);
      const poll = (body: Record<string, unknown>) =>
        t.http.post(new URL(created.body.pollUrl).pathname).set('Authorization', `Bearer ${created.body.pollToken}`).send(body).expect(200);
      await t.http.post(`${target.base}/Users`).set(auth(target.token)).send({ userName: 'first@example.com' }).expect(201);
      const first = await poll({ returnImmediately: true });
      const [jti] = Object.keys(first.body.sets);
      const [streamId, seq] = [jti.slice(0, jti.lastIndexOf('.')), Number(jti.slice(jti.lastIndexOf('.') + 1))];
      const future = [`${streamId}.${seq + 1}`, `${streamId}.${seq + 2}`];
      const acked = await poll({ returnImmediately: true, maxEvents: 0, ack: [jti, ...future, '00000000-0000-4000-8000-000000000000.1'] });
      expect(acked.body.ignoredAcks.sort()).toEqual([...future, '00000000-0000-4000-8000-000000000000.1'].sort());
      const errs = await poll({ returnImmediately: true, maxEvents: 0, setErrs: { [future[0]]: { err: 'invalid_request', description: 'x' } } });
      expect(errs.body.ignoredAcks).toEqual([future[0]]);

      await t.http.post(`${target.base}/Users`).set(auth(target.token)).send({ userName: 'second@example.com' }).expect(201);
      await t.http.post(`${target.base}/Users`).set(auth(target.token)).send({ userName: 'third@example.com' }).expect(201);
      const later = await poll({ returnImmediately: true });
      expect(Object.keys(later.body.sets).sort()).toEqual(future.sort());
      expect(later.body.ignoredAcks).toBeUndefined();
    });
  });
});
