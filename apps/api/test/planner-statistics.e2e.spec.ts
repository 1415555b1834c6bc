import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';

reportSkippedPostgres();

/**
 * Plans must not depend on whether anyone analyzed the database: SQLite plans from the statistics a
 * migration wrote, PostgreSQL's are refreshed by Roster after large imports (autovacuum may be off or late).
 */
describe.each(dialects())('planner statistics on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp(dialect)));
  afterAll(async () => t?.close());

  const explain = async (sql: string, params: unknown[]) => {
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    const rows = (await connection.execute(`${dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${sql}`, params)) as Record<string, string>[];
    return rows.map((row) => row.detail ?? row['QUERY PLAN']).join('\n');
  };

  it('an import is followed by fresh statistics and a vacuum; a lookup by externalId uses its index', async () => {
    const tenant = await createTenant(t, 'Imported');
    for (let batch = 0; batch < 2; batch++) {
      const Operations = Array.from({ length: 600 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `u${i}`,
        data: { userName: `imported${batch}-${i}@example.com`, externalId: `ext-${batch}-${i}` },
      }));
      await t.http
        .post(`${tenant.base}/Bulk`)
        .set('Authorization', `Bearer ${tenant.token}`)
        .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations })
        .expect(200);
    }
    if (dialect === 'postgresql') {
      const connection = t.app.get(MikroORM).em.fork().getConnection();
      let analyzed = false;
      for (let i = 0; i < 150 && !analyzed; i++, await sleep(100)) {
        const rows = (await connection.execute("SELECT last_analyze, last_vacuum FROM pg_stat_user_tables WHERE relname = 'users'")) as {
          last_analyze: Date | null;
          last_vacuum: Date | null;
        }[];
        analyzed = rows[0]?.last_analyze !== null && rows[0]?.last_vacuum !== null;
      }
      expect(analyzed).toBe(true);
      // Vacuumed, the import's pages are marked all-visible: what lets a count read an index alone (ANALYZE
      // alone leaves the visibility map empty). Whether a plan then uses it depends on how much of the table matches.
      const visible = (await connection.execute("SELECT relallvisible FROM pg_class WHERE relname = 'users'")) as { relallvisible: number }[];
      expect(Number(visible[0].relallvisible)).toBeGreaterThan(0);
    }
    const plan = await explain('SELECT r.id FROM users r WHERE r.tenant_id = ? AND r.external_id = ? ORDER BY r.created_at, r.id LIMIT 100', [
      tenant.id,
      'ext-1-7',
    ]);
    expect(plan).toMatch(/users_tenant_external_id_idx/);
  });
});
