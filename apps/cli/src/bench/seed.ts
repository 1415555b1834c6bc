import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { adjustResourceCount } from '@roster/directory';

const BATCH = 500;

/** Bulk-inserts users (with their email index rows) straight into the tables; returns their ids. */
export async function seedUsers(em: EntityManager, tenantId: string, count: number, prefix: string): Promise<string[]> {
  const connection = em.getConnection();
  const sqlite = em.getPlatform().constructor.name.toLowerCase().includes('sqlite');
  const now = sqlite ? Date.now() : new Date().toISOString();
  const ids: string[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => {
      const n = i + j;
      const email = `${prefix}${n}@example.com`;
      return { id: randomUUID(), email, userName: `${prefix}${n}@Example.com` };
    });
    await connection.execute(
      `insert into users (id, tenant_id, user_name, user_name_ci, external_id, active, identity_email_ci, document, version, created_at, updated_at) values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)').join(', ')}`,
      batch.flatMap((u) => [
        u.id,
        tenantId,
        u.userName,
        u.userName.toLowerCase(),
        `ext-${u.email}`,
        true,
        u.email,
        JSON.stringify({ userName: u.userName, externalId: `ext-${u.email}`, active: true, emails: [{ value: u.email, type: 'work', primary: true }] }),
        now,
        now,
      ]),
    );
    await connection.execute(
      `insert into user_emails (user_id, tenant_id, value, value_ci, type, is_primary) values ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((u) => [u.id, tenantId, u.email, u.email, 'work', true]),
    );
    ids.push(...batch.map((u) => u.id));
  }
  await adjustResourceCount(em, tenantId, 'User', count);
  return ids;
}

export async function seedMembers(em: EntityManager, tenantId: string, groupId: string, userIds: string[]): Promise<void> {
  const connection = em.getConnection();
  const sqlite = em.getPlatform().constructor.name.toLowerCase().includes('sqlite');
  const now = sqlite ? Date.now() : new Date().toISOString();
  for (let i = 0; i < userIds.length; i += BATCH) {
    const batch = userIds.slice(i, i + BATCH);
    await connection.execute(
      `insert into group_members (group_id, user_id, tenant_id, created_at) values ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((id) => [groupId, id, tenantId, now]),
    );
  }
}
