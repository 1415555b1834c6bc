import '../../../api/src/node-guard';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import pino from 'pino';
import { Client } from 'pg';
import { loadConfig, type DatabaseConfig } from '@roster/config';
import { AuditService, TenantsService, TokensService } from '@roster/directory';
import { MigrationRunner } from '@roster/platform';
import { ScimLimits } from '@roster/scim-core';
import { createApp } from '../../../api/src/create-app';
import { benchEvents } from './events';
import { benchChangedSince, benchImport, benchPortal, benchSubstringFilters, plan } from './search';
import { seedMembers, seedUsers } from './seed';

// `npm run bench`: latency of the lookups IdPs make on every sync, of membership changes on large
// groups, and of audited vs unaudited writes, on SQLite and PostgreSQL, over real HTTP on loopback.
// BENCH_USERS (default 100000) sets the tenant size; ROSTER_BENCH_PG_URL an admin PostgreSQL URL;
// BENCH_DATABASES (default "sqlite,postgresql") which databases to measure; BENCH_KEEP_DATABASE=1 leaves the
// SQLite file (its path is printed) and the PostgreSQL database roster_bench in place afterwards, to study
// their plans.
// `npm run bench -- events` runs only the provisioning-events section, `-- nightly` only the nightly job,
// `-- search` only what grows with the tenant (lookups, substring filters, walks, an import, the portal).

const ONLY_EVENTS = process.argv.includes('events');
// `npm run bench -- nightly` seeds BENCH_USERS users and runs only the nightly job over them.
const ONLY_NIGHTLY = process.argv.includes('nightly');
const ONLY_SEARCH = process.argv.includes('search');

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const LOOKUPS = 300;
const DATABASES = new Set((process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').map((name) => name.trim().toLowerCase()));
const ADMIN = 'bench-admin-token-0123456789';

interface Stats {
  p50: number;
  p95: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

const fmt = (s: Stats) => `p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms`;

async function timed(fn: () => Promise<Response>, expected?: number): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fn();
  await res.arrayBuffer();
  if (expected !== undefined ? res.status !== expected : res.status >= 300) throw new Error(`unexpected ${res.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function postgresDatabase(): Promise<{ config: DatabaseConfig; drop: () => Promise<void> } | undefined> {
  const admin = process.env.ROSTER_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  await client.query('drop database if exists roster_bench with (force)');
  await client.query('create database roster_bench');
  await client.end();
  const url = new URL(admin);
  url.pathname = '/roster_bench';
  return {
    config: { dialect: 'postgresql', url: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      await c.query('drop database if exists roster_bench with (force)');
      await c.end();
    },
  };
}

async function run(database: DatabaseConfig): Promise<void> {
  const config = {
    ...loadConfig({
      ROSTER_ADMIN_TOKEN: ADMIN,
      ROSTER_TENANT_RATE_LIMIT: '1000000',
      ROSTER_EVENTS_ALLOW_INSECURE: 'true',
      ROSTER_EVENTS_DISPATCH: process.env.BENCH_DISPATCH ?? 'on',
    }),
    database,
  };
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.get(MigrationRunner).run();
  await app.listen(0, '127.0.0.1');
  try {
    await measure(app, database);
  } finally {
    await app.close();
  }
}

async function measure(app: Awaited<ReturnType<typeof createApp>>, database: DatabaseConfig): Promise<void> {
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const orm = app.get(MikroORM);
  const em = orm.em.fork();
  const audit = { actor: { type: 'admin' as const } };
  const { tenant, token } = await RequestContext.create(orm.em, async () => {
    const created = await app.get(TenantsService).create({ name: 'Bench' }, audit);
    return { tenant: created, token: (await app.get(TokensService).issue(created.id, {}, audit)).token };
  });
  const base = `http://127.0.0.1:${port}/scim/v2/${tenant.slug}`;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
  const get = (path: string) => fetch(`${base}${path}`, { headers });
  const send = (method: string, path: string, body: unknown) => fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body) });

  console.log(`\n## ${database.dialect}\n`);
  if (ONLY_EVENTS) return measureEvents(app, port);
  const started = Date.now();
  await seedUsers(em, tenant.id, USERS, 'u');
  // PostgreSQL's autovacuum would gather statistics soon after such a load; Roster never runs SQLite's ANALYZE,
  // so SQLite plans without statistics here as it does in service.
  if (database.dialect === 'postgresql') await em.getConnection().execute('analyze');
  console.log(`- seeded ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (ONLY_NIGHTLY) return measureNightly(database);
  const searchBench = { dialect: database.dialect, em, tenantId: tenant.id, users: USERS, get, timed, summary: (samples: number[]) => fmt(stats(samples)) };

  // 1. The lookups Okta and Entra make on every sync.
  const lookups: [string, (n: number) => string][] = [
    ['userName eq (exact case)', (n) => `userName eq "u${n}@Example.com"`],
    ['userName eq (upper case)', (n) => `userName eq "U${n}@EXAMPLE.COM"`],
    ['externalId eq', (n) => `externalId eq "ext-u${n}@example.com"`],
    ['emails[type eq "work"].value eq', (n) => `emails[type eq "work"].value eq "u${n}@example.com"`],
    ['emails.value eq', (n) => `emails.value eq "u${n}@example.com"`],
  ];
  for (const [label, filter] of lookups) {
    for (let i = 0; i < 20; i++) await timed(() => get(`/Users?filter=${encodeURIComponent(filter(i))}`)); // warm-up
    const samples: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const n = Math.floor(Math.random() * USERS);
      samples.push(await timed(() => get(`/Users?filter=${encodeURIComponent(filter(n))}`)));
    }
    console.log(`- GET /Users?filter=${label} on ${USERS} users: ${fmt(stats(samples))}`);
  }

  // How we know the index is used: the database's own plan for the compiled query.
  for (const [label, filter] of lookups) console.log(`- plan for ${label}: ${await plan(searchBench, filter(42))}`);

  // 1a. co, sw and ew through the trigram indexes, and the portal's API on this tenant.
  await benchSubstringFilters(searchBench);
  await benchChangedSince(searchBench, started);
  await benchPortal({ origin: `http://127.0.0.1:${port}`, adminToken: ADMIN, tenantId: tenant.id, users: USERS, timed, summary: searchBench.summary });

  // 1b. Unfiltered index paging as an import walks the whole tenant (count=100, startIndex 1, 101, …):
  // the first 50 pages against the last 50 of the same walk, each with totalResults; then a deep page
  // jumped to directly (no walk leading to it: OFFSET).
  const pageOf = (startIndex: number) => get(`/Users?startIndex=${startIndex}&count=100`);
  const walk: number[] = [];
  for (let startIndex = 1; startIndex <= USERS; startIndex += 100) walk.push(await timed(() => pageOf(startIndex)));
  const head = stats(walk.slice(0, 50));
  const tail = stats(walk.slice(-50));
  console.log(
    `- walking ${walk.length} pages of 100: first 50 pages ${fmt(head)}; last 50 pages ${fmt(tail)}; last/first ${(tail.p50 / head.p50).toFixed(2)}× at the median`,
  );
  // The same walk with RFC 9865 cursors.
  const cursorWalk: number[] = [];
  let cursor = '';
  for (;;) {
    let next: string | undefined;
    cursorWalk.push(
      await timed(async () => {
        const res = await get(`/Users?cursor=${encodeURIComponent(cursor)}&count=100`);
        const body = (await res.clone().json()) as { nextCursor?: string };
        next = body.nextCursor;
        return res;
      }),
    );
    if (!next) break;
    cursor = next;
  }
  const cursorHead = stats(cursorWalk.slice(0, 50));
  const cursorTail = stats(cursorWalk.slice(-50));
  console.log(
    `- walking ${cursorWalk.length} pages of 100 by cursor: first 50 pages ${fmt(cursorHead)}; last 50 pages ${fmt(cursorTail)}; last/first ${(cursorTail.p50 / cursorHead.p50).toFixed(2)}× at the median`,
  );
  const jumpStart = USERS - 150; // no page of 100 from 1 ends there: always counted past with OFFSET
  const jumps: number[] = [];
  // Counting past a million rows may take longer than a heavy read may run: then it is refused (400
  // tooMany, as designed), and what is reported is that, and how soon.
  let refused = 0;
  for (let i = 0; i < 35; i++) {
    const started = process.hrtime.bigint();
    const res = await pageOf(jumpStart);
    const body = (await res.json()) as { scimType?: string };
    if (res.status === 400 && body.scimType === 'tooMany') refused++;
    else if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    jumps.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (refused && i === 4) break; // five refusals say enough
  }
  const jumped = stats(jumps.length > 5 ? jumps.slice(5) : jumps);
  console.log(
    `- GET /Users?startIndex=${jumpStart}&count=100 jumped to directly (OFFSET): ${refused ? `refused as over the heavy-read budget (${refused} of ${jumps.length}), answered in ` : ''}${fmt(jumped)}; ${(jumped.p50 / head.p50).toFixed(2)}× the first pages`,
  );

  await benchImport({ users: USERS, get, send, timed, summary: searchBench.summary }, Number(process.env.BENCH_IMPORT ?? 10_000));
  if (ONLY_SEARCH) return;

  // 2. Membership changes on large groups: 100 added, then 100 removed, in one PATCH each.
  const spare = await seedUsers(em, tenant.id, 1000, 'spare');
  const all = (await em.getConnection().execute('select id from users where tenant_id = ? and user_name like ? limit 10000', [tenant.id, 'u%'])) as {
    id: string;
  }[];
  for (const size of [100, 1000, 10000]) {
    const group = (await (await send('POST', '/Groups', { displayName: `Group of ${size}` })).json()) as { id: string };
    await seedMembers(
      em,
      tenant.id,
      group.id,
      all.slice(0, size).map((r) => r.id),
    );
    const adds: number[] = [];
    const removes: number[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = spare.slice(round * 100, round * 100 + 100);
      adds.push(
        await timed(() => send('PATCH', `/Groups/${group.id}`, { Operations: [{ op: 'add', path: 'members', value: batch.map((value) => ({ value })) }] })),
      );
      removes.push(
        await timed(() => send('PATCH', `/Groups/${group.id}`, { Operations: batch.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })) })),
      );
    }
    console.log(`- group of ${size}: add 100 members ${fmt(stats(adds))}; remove 100 members ${fmt(stats(removes))}`);
  }

  // 3. What the audit trail costs a write: the same creates with the audit hook on and off.
  const service = app.get(AuditService);
  const record = service.record.bind(service);
  const creates = { audited: [] as number[], unaudited: [] as number[] };
  for (let round = 0; round < 6; round++) {
    const audited = round % 2 === 0;
    service.record = audited ? record : async () => undefined;
    for (let i = 0; i < 50; i++) {
      const userName = `w${round}-${i}@example.com`;
      creates[audited ? 'audited' : 'unaudited'].push(await timed(() => send('POST', '/Users', { userName, name: { givenName: 'W', familyName: String(i) } })));
    }
  }
  service.record = record;
  console.log(`- POST /Users with audit: ${fmt(stats(creates.audited))}; without: ${fmt(stats(creates.unaudited))}`);

  // 4. The largest requests Roster accepts (and a refused one), against another tenant's requests meanwhile.
  const other = await RequestContext.create(orm.em, async () => {
    const created = await app.get(TenantsService).create({ name: 'Bench neighbour' }, audit);
    return { slug: created.slug, token: (await app.get(TokensService).issue(created.id, {}, audit)).token };
  });
  const neighbour = () =>
    fetch(`http://127.0.0.1:${port}/scim/v2/${other.slug}/Users?filter=${encodeURIComponent('userName eq "n@example.com"')}`, {
      headers: { Authorization: `Bearer ${other.token}` },
    });
  const target = (await (await send('POST', '/Users', { userName: 'worst@example.com' })).json()) as { id: string };
  const big = (await (await send('POST', '/Groups', { displayName: 'Worst case' })).json()) as { id: string };
  await seedMembers(
    em,
    tenant.id,
    big.id,
    all.slice(0, 10000).map((r) => r.id),
  );
  const phones = (round: number) => Array.from({ length: ScimLimits.maxMultiValuedItems }, (_, i) => ({ value: `+1555${round}${i}`, type: 'work' }));
  const worst: [string, (round: number) => unknown, string, number?][] = [
    [
      `user PATCH: ${Math.floor(ScimLimits.maxPatchOperations / 4)} ops replacing ${ScimLimits.maxMultiValuedItems} phoneNumbers each (~1 MiB)`,
      (r) => ({
        Operations: Array.from({ length: Math.floor(ScimLimits.maxPatchOperations / 4) }, (_, i) => ({
          op: 'replace',
          path: 'phoneNumbers',
          value: phones(r * 1000 + i),
        })),
      }),
      `/Users/${target.id}`,
    ],
    [
      'user PATCH refused: 20,000 phoneNumbers in one op (400)',
      () => ({ Operations: [{ op: 'add', path: 'phoneNumbers', value: Array.from({ length: 20000 }, (_, i) => ({ value: `+1${i}` })) }] }),
      `/Users/${target.id}`,
      400,
    ],
    [
      `group PATCH on 10,000 members: add ${ScimLimits.maxMemberValues} new members`,
      () => ({ Operations: [{ op: 'add', path: 'members', value: spare.slice(0, ScimLimits.maxMemberValues).map((value) => ({ value })) }] }),
      `/Groups/${big.id}`,
    ],
    [
      `group PATCH on 10,000+ members: remove the same ${ScimLimits.maxMemberValues}`,
      () => ({ Operations: [{ op: 'remove', path: 'members', value: spare.slice(0, ScimLimits.maxMemberValues).map((value) => ({ value })) }] }),
      `/Groups/${big.id}`,
    ],
    [
      `group PATCH on 10,000 members: ${ScimLimits.maxMemberFilters} filtered removes by display`,
      (r) => ({
        Operations: Array.from({ length: ScimLimits.maxMemberFilters }, (_, i) => ({
          op: 'remove',
          path: `members[display eq "nobody-${r}-${i}@example.com"]`,
        })),
      }),
      `/Groups/${big.id}`,
    ],
  ];
  for (const [label, body, path, status] of worst) {
    const durations: number[] = [];
    const probes: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) probes.push(await timed(neighbour));
    })();
    for (let round = 0; round < 5; round++) durations.push(await timed(() => send('PATCH', path, body(round)), status));
    probing = false;
    await probe;
    console.log(
      `- ${label}: request ${fmt(stats(durations))}, max ${Math.max(...durations).toFixed(1)} ms; another tenant's lookups meanwhile ${fmt(stats(probes))}, max ${Math.max(...probes).toFixed(1)} ms`,
    );
  }

  // 5. The largest Bulk request: maxBulkOperations user creates, each its own transaction.
  {
    const durations: number[] = [];
    const probes: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) probes.push(await timed(neighbour));
    })();
    for (let round = 0; round < 3; round++) {
      const Operations = Array.from({ length: ScimLimits.maxBulkOperations }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `b${i}`,
        data: { userName: `bulk${round}-${i}@example.com`, name: { givenName: 'Bulk', familyName: String(i) } },
      }));
      durations.push(await timed(() => send('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations }), 200));
    }
    probing = false;
    await probe;
    console.log(
      `- Bulk of ${ScimLimits.maxBulkOperations} user creates: request ${fmt(stats(durations))}, max ${Math.max(...durations).toFixed(1)} ms; another tenant's lookups meanwhile ${fmt(stats(probes))}, max ${Math.max(...probes).toFixed(1)} ms`,
    );
  }

  await measureEvents(app, port);
  measureNightly(database);

  const memory = process.memoryUsage();
  console.log(`- memory after the run: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
}

// As `npm run reconcile` starts it (package.json).
const NIGHTLY_NODE_FLAGS = (process.env.BENCH_NIGHTLY_FLAGS ?? '--max-semi-space-size=4 --max-old-space-size=128').split(' ').filter(Boolean);

// 7. The nightly job over the whole database (the seeded tenant and the rest), as the scheduler runs it:
// its own process, its peak resident memory from the kernel, and its run time.
function measureNightly(database: DatabaseConfig): void {
  const dir = mkdtempSync(join(tmpdir(), 'roster-bench-nightly-'));
  const report = join(dir, 'report.json');
  const main = join(__dirname, '..', '..', '..', '..', '..', 'reconciler', 'apps', 'reconciler', 'src', 'main.js');
  const url = database.dialect === 'sqlite' ? `sqlite:${database.path}` : database.url;
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [...NIGHTLY_NODE_FLAGS, main, '--dry-run', '--json', report], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    if (run.status === 2) throw new Error(`the nightly job could not run: ${run.stderr}`);
    const result = JSON.parse(readFileSync(report, 'utf8')) as { maxRssBytes: number; summary: { usersChecked: number; tenants: number } };
    console.log(
      `- nightly job (--dry-run) over ${result.summary.tenants} tenants, ${result.summary.usersChecked} users: ${seconds.toFixed(1)} s, peak RSS ${(result.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 6. Provisioning events: what the outbox costs a write, and how fast push delivers.
async function measureEvents(app: Awaited<ReturnType<typeof createApp>>, port: number): Promise<void> {
  const orm = app.get(MikroORM);
  const audit = { actor: { type: 'admin' as const } };
  await benchEvents({
    origin: `http://127.0.0.1:${port}`,
    adminToken: ADMIN,
    newTenant: (name) =>
      RequestContext.create(orm.em, async () => {
        const created = await app.get(TenantsService).create({ name: `${name} ${Date.now()}` }, audit);
        return {
          id: created.id,
          base: `http://127.0.0.1:${port}/scim/v2/${created.slug}`,
          token: (await app.get(TokensService).issue(created.id, {}, audit)).token,
        };
      }),
    timed,
    summary: (samples) => fmt(stats(samples)),
    mean: (samples) => stats(samples).mean,
  });
}

async function main(): Promise<void> {
  console.log(`# Roster benchmark (${new Date().toISOString()}, Node ${process.version}, ${USERS} users)`);
  if (DATABASES.has('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
    try {
      await run({ dialect: 'sqlite', path: join(dir, 'bench.db') });
    } finally {
      if (process.env.BENCH_KEEP_DATABASE === '1') console.log(`\nSQLite database kept: ${join(dir, 'bench.db')}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!DATABASES.has('postgresql')) return;
  const pg = await postgresDatabase();
  if (!pg) {
    console.log('\nPostgreSQL not reachable: skipped (set ROSTER_BENCH_PG_URL).');
    return;
  }
  try {
    await run(pg.config);
  } finally {
    if (process.env.BENCH_KEEP_DATABASE !== '1') await pg.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
