import { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();
const SIZE = 10_000;

// Correctness at size; the timings live in `npm run bench` (docs/benchmarks.md), not in tests.
describe.each(dialects())('a 10,000-member group on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let groupId: string;
  const userIds: string[] = [];
  const auth = () => ({ Authorization: `Bearer ${tenant.token}` });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    tenant = await createTenant(t, 'Large');
    groupId = (await t.http.post(`${tenant.base}/Groups`).set(auth()).send({ displayName: 'Everyone' }).expect(201)).body.id;
    // Seed users and memberships in bulk, straight into the tables.
    const em = t.app.get(MikroORM).em.fork();
    const connection = em.getConnection();
    const now = dialect === 'sqlite' ? Date.now() : new Date().toISOString();
    for (let i = 0; i < SIZE + 200; i += 500) {
      const batch = Array.from({ length: Math.min(500, SIZE + 200 - i) }, (_, j) => ({ id: randomUUID(), n: i + j }));
      await connection.execute(
        `insert into users (id, tenant_id, user_name, user_name_ci, active, identity_email_ci, document, version, created_at, updated_at) values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, 1, ?, ?)').join(', ')}`,
        batch.flatMap((u) => [
          u.id,
          tenant.id,
          `u${u.n}@example.com`,
          `u${u.n}@example.com`,
          true,
          `u${u.n}@example.com`,
          JSON.stringify({ userName: `u${u.n}@example.com`, active: true }),
          now,
          now,
        ]),
      );
      userIds.push(...batch.map((u) => u.id));
    }
    const members = userIds.slice(0, SIZE);
    for (let i = 0; i < members.length; i += 500) {
      const batch = members.slice(i, i + 500);
      await connection.execute(
        `insert into group_members (group_id, user_id, tenant_id, created_at) values ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((id) => [groupId, id, tenant.id, now]),
      );
    }
  }, 120_000);
  afterAll(async () => t?.close());

  const count = async () => {
    const rows = (await t.app.get(MikroORM).em.fork().getConnection().execute('select count(*) as n from group_members where group_id = ?', [groupId])) as {
      n: number | string;
    }[];
    return Number(rows[0].n);
  };

  it('adds 100 new members and removes 100 existing ones in one PATCH (Okta batch)', async () => {
    const adds = userIds.slice(SIZE, SIZE + 100);
    const removes = userIds.slice(0, 100);
    await t.http
      .patch(`${tenant.base}/Groups/${groupId}`)
      .set(auth())
      .send({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          ...removes.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
          { op: 'add', path: 'members', value: adds.map((value) => ({ value })) },
        ],
      })
      .expect(204);
    expect(await count()).toBe(SIZE);
    const check = await t.http
      .get(`${tenant.base}/Groups?filter=${encodeURIComponent(`id eq "${groupId}" and members eq "${adds[0]}"`)}&excludedAttributes=members`)
      .set(auth())
      .expect(200);
    expect(check.body.totalResults).toBe(1);
    const gone = await t.http
      .get(`${tenant.base}/Groups?filter=${encodeURIComponent(`id eq "${groupId}" and members eq "${removes[0]}"`)}&excludedAttributes=members`)
      .set(auth())
      .expect(200);
    expect(gone.body.totalResults).toBe(0);
  });

  it('accepts 1,000 membership changes in one request (Okta custom batch size)', async () => {
    const ids = userIds.slice(100, 1100);
    const res = await t.http
      .patch(`${tenant.base}/Groups/${groupId}`)
      .set(auth())
      .send({ Operations: [{ op: 'Remove', path: 'members', value: ids.map((value) => ({ $ref: null, value })) }] });
    expect(res.status).toBe(204);
    expect(await count()).toBe(SIZE - 1000);
  });

  it('reads the group without members cheaply and with members completely', async () => {
    const lean = await t.http.get(`${tenant.base}/Groups/${groupId}?excludedAttributes=members`).set(auth()).expect(200);
    expect(lean.body.members).toBeUndefined();
    const full = await t.http.get(`${tenant.base}/Groups/${groupId}`).set(auth()).expect(200);
    expect(full.body.members).toHaveLength(await count());
  });
});
