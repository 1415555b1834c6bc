import { MikroORM } from '@mikro-orm/core';
import { ScimRequestLog, TENANT_DATA, TenantPurge } from '@roster/directory';
import { expectContract, expectScimError } from '../../../test/support/contract-assert';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ADMIN_TOKEN, createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * A tenant removed by the operator: it stops answering at once, can be restored until its purge, and the
 * purge leaves no row of it in any table while every other tenant's rows stay as they were.
 */
describe.each(dialects())('deleting a tenant on %s', (dialect) => {
  let t: TestApp;
  const sql = async (text: string, params: unknown[] = []) =>
    (await t.app.get(MikroORM).em.fork().getConnection().execute(text, params)) as Record<string, unknown>[];

  beforeAll(async () => (t = await startTestApp(dialect, { ROSTER_EVENTS_ALLOW_INSECURE: 'true' })));
  afterAll(async () => t?.close());

  /** Every table with a tenant_id column, as the database describes itself. */
  async function tenantTables(): Promise<string[]> {
    if (dialect === 'sqlite') {
      const tables = await sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      const withTenant: string[] = [];
      // The trigram table copies its users' tenant; triggers empty it with them (rowsOf counts it apart).
      for (const { name } of tables)
        if (name !== 'user_search' && (await sql(`PRAGMA table_info("${String(name)}")`)).some((column) => column.name === 'tenant_id'))
          withTenant.push(String(name));
      return withTenant.sort();
    }
    const rows = await sql("SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = current_schema()");
    return rows.map((row) => String(row.table_name)).sort();
  }

  /** How many rows each table holds for the tenant (through its streams for the tables keyed by stream). */
  async function rowsOf(tenantId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { table, byStream } of TENANT_DATA) {
      const owned = byStream ? 'stream_id IN (SELECT id FROM event_streams WHERE tenant_id = ?)' : 'tenant_id = ?';
      counts[table] = Number((await sql(`SELECT count(*) AS n FROM ${table} WHERE ${owned}`, [tenantId]))[0].n);
    }
    counts.tenants = Number((await sql('SELECT count(*) AS n FROM tenants WHERE id = ?', [tenantId]))[0].n);
    if (dialect === 'sqlite')
      counts.user_search = Number(
        (
          await sql(
            'SELECT count(*) AS n FROM user_search s JOIN user_search_keys k ON k.key = s.rowid JOIN users u ON u.id = k.user_id WHERE u.tenant_id = ?',
            [tenantId],
          )
        )[0].n,
      );
    return counts;
  }

  /** A tenant with data in every table: users (more than a purge batch), groups, a deleted user, streams, events, a portal session... */
  async function populated(name: string): Promise<TestTenant & { pollUrl: string; pollToken: string; cookie: string }> {
    const tenant = await createTenant(t, name);
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const stream = (await t.http.post(`/admin/v1/tenants/${tenant.id}/event-streams`).set(admin).send({ delivery: 'poll' }).expect(201)).body;
    await t.http
      .post(`/admin/v1/tenants/${tenant.id}/event-streams`)
      .set(admin)
      .send({ delivery: 'push', endpointUrl: 'http://127.0.0.1:9/events' })
      .expect(201);
    const Operations = Array.from({ length: 300 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      data: { userName: `${name.toLowerCase().replace(/\W/g, '')}-${i}@example.com`, name: { givenName: 'Ada', familyName: `Lovelace${i}` } },
    }));
    const bulk = await t.http
      .post(`${tenant.base}/Bulk`)
      .set(auth)
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations })
      .expect(200);
    const ids = (bulk.body.Operations as { location: string }[]).map((op) => op.location.split('/').pop()!);
    await t.http
      .post(`${tenant.base}/Groups`)
      .set(auth)
      .send({ displayName: 'Learners', members: ids.slice(0, 20).map((value) => ({ value })) })
      .expect(201);
    await t.http.delete(`${tenant.base}/Users/${ids[299]}`).set(auth).expect(204);
    await t.http.get(`${tenant.base}/Users`).set({ Authorization: 'Bearer rstr-wrong' }).expect(401);
    await t.http
      .post(new URL(stream.pollUrl).pathname)
      .set('Authorization', `Bearer ${stream.pollToken}`)
      .send({ returnImmediately: true, maxEvents: 5 })
      .expect(200);
    const link = (await t.http.post(`/admin/v1/tenants/${tenant.id}/setup-links`).set(admin).send({}).expect(201)).body;
    const opened = await t.http.get(new URL(link.url).pathname + new URL(link.url).search).expect(303);
    const cookie = String(opened.headers['set-cookie']).split(';')[0];
    await t.app.get(ScimRequestLog).flush();
    return { ...tenant, pollUrl: stream.pollUrl, pollToken: stream.pollToken, cookie };
  }

  it('names every table that holds tenant data', async () => {
    expect(
      TENANT_DATA.filter((data) => !data.byStream)
        .map((data) => data.table)
        .sort(),
    ).toEqual(await tenantTables());
  });

  it('stops the tenant at once, restores it whole, and purges every row of it and none of another', async () => {
    const leaving = await populated('Leaving Co');
    const staying = await populated('Staying Co');
    const auth = { Authorization: `Bearer ${leaving.token}` };
    const before = await rowsOf(leaving.id);
    for (const [table, rows] of Object.entries(before)) if (!['event_failures', 'event_acks'].includes(table)) expect([table, rows > 0]).toEqual([table, true]);
    const stayingBefore = await rowsOf(staying.id);

    // Deleted: nothing of it answers, the operator still sees it, and the deployment's trail says so.
    const deleted = await t.http.delete(`/admin/v1/tenants/${leaving.slug}`).set(admin).expect(200);
    expectContract(deleted.body, 'Tenant');
    expect(Date.parse(deleted.body.purgeAfter) - Date.parse(deleted.body.deletedAt)).toBe(30 * 86_400_000);
    expect((await t.http.get(`${leaving.base}/Users`).set(auth)).status).toBeGreaterThanOrEqual(401);
    await t.http.post(new URL(leaving.pollUrl).pathname).set('Authorization', `Bearer ${leaving.pollToken}`).send({ returnImmediately: true }).expect(401);
    await t.http.get('/portal/api/v1/session').set('Cookie', leaving.cookie).expect(401);
    expectScimError(await t.http.get(`/admin/v1/tenants/${leaving.id}/tokens`).set(admin), 404);
    expect((await t.http.get(`/admin/v1/tenants/${leaving.id}`).set(admin).expect(200)).body.deletedAt).toBe(deleted.body.deletedAt);
    const listed = (await t.http.get('/admin/v1/tenants').set(admin).expect(200)).body.items as { id: string; deletedAt: string | null }[];
    expect(listed.find((tenant) => tenant.id === leaving.id)?.deletedAt).toBe(deleted.body.deletedAt);
    expect(await rowsOf(leaving.id)).toEqual(before);

    // Restored: the same token works again, on the same data.
    await t.http.post(`/admin/v1/tenants/${leaving.id}/restore`).set(admin).expect(200);
    expect((await t.http.get(`${leaving.base}/Users?count=1`).set(auth).expect(200)).body.totalResults).toBe(299);

    // Deleted again and purged at once: no row of it is left anywhere, and the other tenant's are untouched.
    await t.http.delete(`/admin/v1/tenants/${leaving.id}?purge=now`).set(admin).expect(200);
    for (let i = 0; i < 100 && (await t.http.get(`/admin/v1/tenants/${leaving.id}`).set(admin)).status !== 404; i++)
      await new Promise((r) => setTimeout(r, 50));
    const after = await rowsOf(leaving.id);
    expect(Object.entries(after).filter(([, rows]) => rows > 0)).toEqual([]);
    expect(await rowsOf(staying.id)).toEqual(stayingBefore);
    expectScimError(await t.http.post(`/admin/v1/tenants/${leaving.id}/restore`).set(admin), 404);
    await t.http
      .get(`${staying.base}/Users?count=1`)
      .set({ Authorization: `Bearer ${staying.token}` })
      .expect(200);

    const trail = (await t.http.get(`/admin/v1/audit-events?resourceId=${leaving.id}`).set(admin).expect(200)).body;
    expectContract(trail, 'AuditEventPage');
    expect(trail.items.map((event: { action: string }) => event.action)).toEqual(['tenant.purged', 'tenant.deleted', 'tenant.restored', 'tenant.deleted']);
  });

  it('is purged by the nightly job once its retention ends, and cannot be restored once its purge began', async () => {
    const tenant = await createTenant(t, 'Retained');
    await t.http.delete(`/admin/v1/tenants/${tenant.id}`).set(admin).expect(200);
    const purge = t.app.get(TenantPurge);
    expect(await purge.due()).not.toContain(tenant.id);
    expect(await purge.due(new Date(Date.now() + 31 * 86_400_000))).toContain(tenant.id);
    await sql('UPDATE tenants SET purge_started_at = purge_after WHERE id = ?', [tenant.id]);
    expectScimError(await t.http.post(`/admin/v1/tenants/${tenant.id}/restore`).set(admin), 409);
    expect(await purge.purge(tenant.id, new Date(Date.now() + 31 * 86_400_000))).toBeDefined();
    await t.http.get(`/admin/v1/tenants/${tenant.id}`).set(admin).expect(404);
  });

  it('refuses a purge option it does not know', async () => {
    const tenant = await createTenant(t, 'Careful');
    expectScimError(await t.http.delete(`/admin/v1/tenants/${tenant.id}?purge=soon`).set(admin), 400, 'invalidValue');
    await t.http
      .get(`${tenant.base}/Users`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(200);
  });
});
