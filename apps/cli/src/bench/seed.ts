import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { adjustResourceCount } from '@roster/directory';

const BATCH = 500;

// Names for the seeded users: 60 given × 80 family names, spread so that a surname's substring matches a few
// thousand users in a million, as a real directory's would; the number in the userName keeps each unique.
const GIVEN =
  'Ada Alan Alice Amara Anders Anna Aiko Bao Beatriz Bruno Carla Chen Chloé Dana David Diego Elena Emil Emma Fatima Felix Grace Hana Hugo Ines Ivan Jana Javier Jonas Julia Kai Kenji Lara Leila Liam Lucas Maja Marco Maria Mateo Mei Nadia Noah Nora Omar Oscar Paula Priya Rafael Rosa Sami Sara Sofia Tariq Theo Uma Victor Yara Zoe Zhang'.split(
    ' ',
  );
const FAMILY =
  'Abbott Adeyemi Alvarez Andersen Bauer Becker Bianchi Brown Castillo Chen Costa Dubois Eriksson Fischer Fontaine Garcia Gomez Gonzalez Haas Hansen Hernandez Hoffmann Ibrahim Ito Jensen Johansson Kaur Khan Kim Kowalski Kruger Larsen Laurent Lee Lopez Martin Meyer Moreau Muller Murphy Nakamura Nguyen Nielsen Novak Okafor Olsen Ortiz Park Patel Petrov Quinn Ramos Rossi Sato Schmidt Schneider Silva Singh Smith Sousa Suzuki Svensson Tanaka Taylor Thomas Torres Vargas Virtanen Wagner Walker Wang Weber Williams Wilson Wojcik Yamamoto Yilmaz Zhang Ziegler Zimmermann'.split(
    ' ',
  );

/** The seeded n-th user's names (also what a benchmark's search looks for). */
export function seededName(n: number): { givenName: string; familyName: string } {
  return { givenName: GIVEN[n % GIVEN.length], familyName: FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length] };
}

/**
 * Bulk-inserts users (with their email index rows) straight into the tables; returns their ids. `more` adds
 * attributes to the n-th user's document (phone numbers, say).
 */
export async function seedUsers(
  em: EntityManager,
  tenantId: string,
  count: number,
  prefix: string,
  more: (n: number) => Record<string, unknown> = () => ({}),
): Promise<string[]> {
  const connection = em.getConnection();
  const sqlite = em.getPlatform().constructor.name.toLowerCase().includes('sqlite');
  const now = sqlite ? Date.now() : new Date().toISOString();
  const ids: string[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => {
      const n = i + j;
      const email = `${prefix}${n}@example.com`;
      const userName = `${prefix}${n}@Example.com`;
      const name = seededName(n);
      const displayName = `${name.givenName} ${name.familyName}`;
      const document = JSON.stringify({
        userName,
        externalId: `ext-${email}`,
        displayName,
        name,
        active: true,
        emails: [{ value: email, type: 'work', primary: true }],
        ...more(n),
      });
      return { id: randomUUID(), email, userName, displayName, document };
    });
    await connection.execute(
      `insert into users (id, tenant_id, user_name, user_name_ci, external_id, display_name, active, identity_email_ci, document, document_bytes, version, created_at, updated_at) values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)').join(', ')}`,
      batch.flatMap((u) => [
        u.id,
        tenantId,
        u.userName,
        u.userName.toLowerCase(),
        `ext-${u.email}`,
        u.displayName,
        true,
        u.email,
        u.document,
        Buffer.byteLength(u.document),
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
