import { MikroORM } from '@mikro-orm/core';
import type { TestApp } from './test-app';

/**
 * Inserts `count` users of a tenant with one statement, for tests that need thousands of them: user n
 * (1…count) is named `${prefix}${n}`, has the id 00000000-0000-4000-8000-<n, 12 digits> and was created
 * and last modified n seconds after `base`. The rows go in as the database holds them (the search index's
 * triggers fire); the tenant's kept count is set to `count`, so the tenant must have no other user.
 */
export async function insertUsers(t: TestApp, tenantId: string, count: number, options: { prefix: string; base: number }): Promise<void> {
  const connection = t.app.get(MikroORM).em.fork().getConnection();
  const dialect = t.dialect;
  const rows =
    dialect === 'sqlite'
      ? `SELECT '00000000-0000-4000-8000-' || printf('%012d', n) AS id, ? || n AS u, ? + n * 1000 AS c FROM g`
      : `SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid AS id, ?::text || n AS u, to_timestamp((?::bigint + n * 1000) / 1000.0) AS c FROM g`;
  const document =
    dialect === 'sqlite'
      ? `json_object('schemas', json_array('urn:ietf:params:scim:schemas:core:2.0:User'), 'userName', u, 'active', json('true'))`
      : `jsonb_build_object('schemas', jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'), 'userName', u, 'active', true)`;
  await connection.execute(
    `INSERT INTO users (id, tenant_id, user_name, user_name_ci, active, document, created_at, updated_at)
     WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${count})
     SELECT id, ?, u, lower(u), true, ${document}, c, c FROM (${rows}) s`,
    [tenantId, options.prefix, options.base],
  );
  await connection.execute(`INSERT INTO resource_counts (tenant_id, resource_type, slot, count) VALUES (?, 'User', 0, ?)`, [tenantId, count]);
}
