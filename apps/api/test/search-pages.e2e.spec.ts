import { MikroORM } from '@mikro-orm/core';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The rows of `users` a plan read: those it kept and those its filters threw away, over every loop. */
function usersRowsRead(node: PlanNode): number {
  const own = node['Relation Name'] === 'users' ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + usersRowsRead(child), 0);
}

/**
 * PostgreSQL plans the first page of a search in creation order as a walk of the tenant's creation-order
 * index, expecting the matches spread evenly. Matches created together (one import's prefix) then cost a
 * walk through most of the tenant; Roster counts the search first and, when its matches are few beside the
 * tenant, reads the page from them (resource-query.ts, readsMatchesFirst).
 */
(dialects().includes('postgresql') ? describe : describe.skip)('the first page of a search on PostgreSQL', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const early = 20_000;
  const late = 1_800;

  beforeAll(async () => {
    t = await startTestApp('postgresql', { ROSTER_SQL_DEBUG: '1' });
    tenant = await createTenant(t, 'Clustered');
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    const insert = (prefix: string, count: number, from: string) =>
      connection.execute(
        `INSERT INTO users (id, tenant_id, user_name, user_name_ci, active, document, document_bytes, created_at, updated_at)
         SELECT gen_random_uuid(), ?, u, u, true, d, length(d::text), c, c
           FROM generate_series(1, ?) g,
                LATERAL (SELECT ? || lpad(g::text, 5, '0') AS u, timestamptz '${from}' + g * interval '1 ms' AS c) n,
                LATERAL (SELECT jsonb_build_object('schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'), 'userName', u, 'active', true) AS d) j`,
        [tenant.id, count, prefix],
      );
    await insert('early-', early, '2026-01-01T00:00:00Z');
    await insert('late-', late, '2026-02-01T00:00:00Z');
    await connection.execute(`INSERT INTO resource_counts (tenant_id, resource_type, slot, count) VALUES (?, 'User', 0, ?)`, [tenant.id, early + late]);
    await connection.execute('ANALYZE users');
  });
  afterAll(async () => t?.close());

  /** The page's userNames and total, and the plan of the statement that read its rows, run again with EXPLAIN ANALYZE. */
  const search = async (filter: string) => {
    const before = t.logs.length;
    const res = await t.http
      .get(`${tenant.base}/Users?filter=${encodeURIComponent(filter)}&count=100`)
      .set({ Authorization: `Bearer ${tenant.token}` })
      .expect(200);
    const statement = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .map((line) => /^\[query\] ([\s\S]*page_bytes_before[\s\S]*) -- (\[.*\]) \[took/.exec(line.msg))
      .find((match) => match !== null);
    expect(statement).toBeDefined();
    const [, sql, params] = statement!;
    const connection = t.app.get(MikroORM).em.fork().getConnection();
    const [explained] = await connection.execute(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, JSON.parse(params) as unknown[]);
    const plan = (explained as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
    return {
      sql,
      total: res.body.totalResults as number,
      userNames: (res.body.Resources as { userName: string }[]).map((user) => user.userName),
      rowsRead: usersRowsRead(plan),
    };
  };
  const names = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(5, '0')}`);

  it('reads a search whose matches were created together from its matches, not from a walk of the tenant', async () => {
    const page = await search('userName sw "late-"');
    expect(page.total).toBe(late);
    expect(page.userNames).toEqual(names('late-', 1, 100));
    // The matches (1,800) and the page's rows by id (100): the walk read the 20,000 earlier users first.
    expect(page.rowsRead).toBeLessThan(late + 100 + 50);
  });

  it('walks the tenant in creation order for a search that matches most of it', async () => {
    const page = await search('userName sw "early-"');
    expect(page.total).toBe(early);
    expect(page.userNames).toEqual(names('early-', 1, 100));
    expect(page.sql).not.toContain('OFFSET 0) m');
    expect(page.rowsRead).toBeLessThan(200);
  });

  it('gives the same page for a search with every match on it', async () => {
    const page = await search('userName co "late-0014"');
    expect(page.total).toBe(10);
    expect(page.userNames).toEqual(names('late-', 140, 149));
  });
});
