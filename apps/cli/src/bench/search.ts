import type { EntityManager } from '@mikro-orm/core';
import type { DatabaseConfig } from '@roster/config';
import { countedPageSource, indexSearchFor, tenantConditionFor, userStorage } from '@roster/directory';
import { bindFilter, filterToSql, parseFilter, UserResourceType } from '@roster/scim-core';
import { seededName } from './seed';

export interface SearchBench {
  dialect: DatabaseConfig['dialect'];
  em: EntityManager;
  tenantId: string;
  users: number;
  get: (path: string) => Promise<Response>;
  timed: (fn: () => Promise<Response>, expected?: number) => Promise<number>;
  summary: (samples: number[]) => string;
}

const ROUNDS = 100;

/**
 * Substring filters (co, sw, ew) on the attributes identity providers and the portal search by, each with a
 * literal taken from a random seeded user, so that it matches what such a literal matches in a directory
 * of this size; then the database's plan for each at this size (it must start from a trigram index).
 */
export async function benchSubstringFilters(bench: SearchBench): Promise<void> {
  const userName = (n: number) => `u${n}@Example.com`;
  const surname = (n: number) => seededName(n).familyName;
  const filters: [string, (n: number) => string][] = [
    ['userName co', (n) => `userName co "${userName(n).slice(1, -8)}"`],
    ['userName sw', (n) => `userName sw "${userName(n).slice(0, -8)}"`],
    ['userName ew', (n) => `userName ew "${userName(n).slice(1)}"`],
    ['emails.value co', (n) => `emails.value co "${n}@example"`],
    ['emails.value sw', (n) => `emails.value sw "u${n}@"`],
    ['emails.value ew', (n) => `emails.value ew "u${n}@example.com"`],
    ['externalId co', (n) => `externalId co "u${n}@"`],
    ['externalId sw', (n) => `externalId sw "ext-u${n}@"`],
    ['externalId ew', (n) => `externalId ew "-u${n}@example.com"`],
    ['displayName co', (n) => `displayName co "${seededName(n).givenName.slice(1)} ${seededName(n).familyName.slice(0, -1)}"`],
    ['displayName sw', (n) => `displayName sw "${seededName(n).givenName} ${seededName(n).familyName.slice(0, 3)}"`],
    ['displayName ew', (n) => `displayName ew "${seededName(n).givenName.slice(-2)} ${seededName(n).familyName}"`],
    // A surname literal of three letters at least (a shorter one cannot use a trigram index); the seeded
    // surnames are common ones, each shared by 1.25 % of the users.
    ['name.familyName co (a common surname)', (n) => `name.familyName co "${surname(n).length > 4 ? surname(n).slice(1, -1) : surname(n)}"`],
    ['name.familyName sw (a common surname)', (n) => `name.familyName sw "${surname(n).slice(0, 4)}"`],
    ['name.familyName ew (a common surname)', (n) => `name.familyName ew "${surname(n).slice(-4)}"`],
    // Users are seeded with a surname in runs of sixty (seededName), so a surname's matches lie together in the
    // tables; a given name's are one in sixty users throughout, as any name's are in a real directory.
    ['name.givenName sw (a common given name, spread)', (n) => `name.givenName sw "${seededName(n).givenName.slice(0, 4)}"`],
  ];
  for (const [label, filter] of filters) {
    const { samples, totals } = await timeFilter(bench, filter);
    totals.sort((a, b) => a - b);
    console.log(`- GET /Users?count=100&filter=${label} on ${bench.users} users: ${bench.summary(samples)} (median ${totals[totals.length >> 1]} matches)`);
  }
  for (const [label, filter] of filters) console.log(`- plan for ${label}: ${await plan(bench, filter(42))}`);
}

/**
 * `GET /Users?count=100&filter=…`, ten times to warm up, then ROUNDS times timed, each with the filter of a
 * random seeded user (`filter(n)`): the latencies and each answer's totalResults.
 */
async function timeFilter(bench: SearchBench, filter: (n: number) => string): Promise<{ samples: number[]; totals: number[] }> {
  const path = (n: number) => `/Users?count=100&filter=${encodeURIComponent(filter(n))}`;
  for (let i = 0; i < 10; i++) await bench.timed(() => bench.get(path(i)));
  const samples: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const n = Math.floor(Math.random() * bench.users);
    samples.push(
      await bench.timed(async () => {
        const res = await bench.get(path(n));
        totals.push(((await res.clone().json()) as { totalResults: number }).totalResults);
        return res;
      }),
    );
  }
  return { samples, totals };
}

/**
 * What a reconciliation asks after a sync: who changed since a moment. Every seeded user changed after the
 * first moment and none after the second; a range of meta.lastModified is counted from its smaller side.
 */
export async function benchChangedSince(bench: SearchBench, seededAt: number): Promise<void> {
  const since: [string, string][] = [
    ['an hour before the import (every user)', new Date(seededAt - 3_600_000).toISOString()],
    ['an hour after it (none)', new Date(seededAt + 3_600_000).toISOString()],
  ];
  for (const [label, moment] of since) {
    const { samples, totals } = await timeFilter(bench, () => `meta.lastModified gt "${moment}"`);
    console.log(`- GET /Users?count=100&filter=meta.lastModified gt ${label} on ${bench.users} users: ${bench.summary(samples)} (${totals[0]} matches)`);
  }
}

/** The database's plan for the first page of the compiled filter, as resource-query.ts reads it (its ids). */
export async function plan(bench: SearchBench, filter: string): Promise<string> {
  const compiled = filterToSql(bindFilter(parseFilter(filter), UserResourceType), userStorage, bench.dialect);
  const where = `${tenantConditionFor(compiled, bench.dialect)} AND (${compiled.sql})`;
  const page = { where, order: 'r.created_at ASC, r.id ASC', paging: 'LIMIT 100', indexSearch: indexSearchFor(compiled, bench.dialect) };
  // A filter led by a trigram index is counted with its page (resource-query.ts, countedPageSource).
  const counted = compiled.narrowedByIndex ? countedPageSource(userStorage, bench.dialect, page) : undefined;
  const sql = counted
    ? `${counted.opening}SELECT r.id, matched.page_total FROM ${counted.from}`
    : `SELECT r.id FROM users r WHERE ${where} ORDER BY ${page.order} ${page.paging}`;
  const explain = bench.dialect === 'sqlite' ? `EXPLAIN QUERY PLAN ${sql}` : `EXPLAIN ${sql}`;
  const rows = (await bench.em.getConnection().execute(explain, [bench.tenantId, ...compiled.params])) as Record<string, unknown>[];
  return rows.map((row) => String(row.detail ?? row['QUERY PLAN']).trim()).join(' | ');
}

export interface PortalBench {
  origin: string;
  adminToken: string;
  tenantId: string;
  users: number;
  timed: (fn: () => Promise<Response>, expected?: number) => Promise<number>;
  summary: (samples: number[]) => string;
}

/**
 * The setup portal's API as the support staff use it on a large tenant: signed in as the operator (a real
 * session cookie), the directory's first page, searches by a name's or an address's start, the next page by
 * cursor, one learner with its history, the activity log and the health summary.
 */
export async function benchPortal(bench: PortalBench): Promise<void> {
  const signIn = await fetch(`${bench.origin}/portal/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ adminToken: bench.adminToken }),
  });
  if (signIn.status !== 200 && signIn.status !== 201) throw new Error(`operator sign-in: ${signIn.status}`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const get = (path: string) =>
    fetch(`${bench.origin}/portal/api/v1${path}${path.includes('?') ? '&' : '?'}tenantId=${bench.tenantId}`, { headers: { cookie } });
  const first = (await (await get('/users?limit=25')).json()) as { nextCursor: string | null; items: { id: string }[] };
  const someone = first.items[0].id;
  const pages: [string, (n: number) => string][] = [
    ['directory, first page', () => '/users?limit=25'],
    ['directory, next page by cursor', () => `/users?limit=25&cursor=${encodeURIComponent(first.nextCursor ?? '')}`],
    ['search by a given name (many matches)', (n) => `/users?limit=25&search=${encodeURIComponent(seededName(n).givenName)}`],
    ['search by a full name', (n) => `/users?limit=25&search=${encodeURIComponent(`${seededName(n).givenName} ${seededName(n).familyName}`)}`],
    ['search by an address’s start', (n) => `/users?limit=25&search=${encodeURIComponent(`u${n}@`)}`],
    ['deactivated learners', () => '/users?limit=25&status=deactivated'],
    ['one learner with its history', () => `/users/${someone}`],
    ['groups', () => '/groups?limit=25'],
    ['activity (SCIM requests)', () => '/scim-requests?limit=50'],
    ['health', () => '/health'],
  ];
  for (const [label, path] of pages) {
    for (let i = 0; i < 5; i++) await bench.timed(() => get(path(i)));
    const samples: number[] = [];
    for (let i = 0; i < 60; i++) samples.push(await bench.timed(() => get(path(Math.floor(Math.random() * bench.users)))));
    console.log(`- portal: ${label} on ${bench.users} users: ${bench.summary(samples)}`);
  }
}

/**
 * An Entra ID initial sync into this tenant: for each new user, the `externalId eq` lookup that finds nobody,
 * then the create (with names and a work email, as Entra sends them). The time per user is both requests.
 */
export async function benchImport(
  bench: Pick<SearchBench, 'users' | 'timed' | 'summary'> & {
    get: SearchBench['get'];
    send: (method: string, path: string, body: unknown) => Promise<Response>;
  },
  count: number,
): Promise<void> {
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const externalId = `entra-${i}-${bench.users}`;
    const t0 = process.hrtime.bigint();
    await bench.timed(() => bench.get(`/Users?filter=${encodeURIComponent(`externalId eq "${externalId}"`)}`));
    const name = seededName(i);
    await bench.timed(
      () =>
        bench.send('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `imported${i}@example.com`,
          externalId,
          active: true,
          displayName: `${name.givenName} ${name.familyName}`,
          name,
          emails: [{ value: `imported${i}@example.com`, type: 'work', primary: true }],
        }),
      201,
    );
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `- Entra-style import of ${count} users into ${bench.users} (lookup + create each): ${bench.summary(samples)} per user, ${(count / seconds).toFixed(0)} users/s`,
  );
}
