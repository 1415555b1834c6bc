import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimLimits } from '@roster/scim-core';
import type { DatabaseConfig } from '@roster/config';
import { startBuiltServer, type RunningServer } from '../../../test/support/built-server';
import { createTestDatabase, dialects, reportSkippedPostgres, type TestDatabase } from '../../../test/support/databases';
import { nestedJson, worstFilter } from '../../../test/support/hostile-inputs';

reportSkippedPostgres();

const ADMIN = 'survival-admin-token-0123456789';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const USERS = 2000;
const PER_BULK = 15; // as many maximum-size users as a 1 MiB body holds

function databaseUrl(config: DatabaseConfig): string {
  return config.dialect === 'sqlite' ? `sqlite:${config.path}` : config.url;
}

/** A user as large as a resource may be (just under 64 KB stored), of valid, limit-respecting values. */
function maximumUser(n: number): Record<string, unknown> {
  return {
    userName: `max-${n}@example.com`,
    phoneNumbers: Array.from({ length: 7 }, (_, i) => ({ value: `+1 ${n}-${i} ${'5'.repeat(8000)}`, type: 'work' })),
    addresses: [{ streetAddress: 'x'.repeat(8000), type: 'work' }],
  };
}

function status(pid: number): { peakRssMb: number; rssMb: number; anonymousMb: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0);
  return { peakRssMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024), anonymousMb: Math.round(kb('RssAnon') / 1024) };
}

/**
 * The most anonymous memory (heaps, buffers: what hostile input could exhaust) the process held, sampled every
 * 20 ms until stopped. The kernel keeps no peak of it: VmHWM's peak also counts the database file's pages
 * SQLite maps for reads (mmap_size), which are the kernel's shared, reclaimable page cache.
 */
function sampleAnonymousPeak(pid: number): () => number {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, status(pid).anonymousMb)), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, status(pid).anonymousMb);
  };
}

/** The size of a SQLite database's files (the most its reads can map); none for PostgreSQL. */
function mappableMb(config: DatabaseConfig): number {
  if (config.dialect !== 'sqlite') return 0;
  const files = [config.path, `${config.path}-wal`].filter((file) => existsSync(file));
  return Math.round(files.reduce((bytes, file) => bytes + statSync(file).size, 0) / 1024 / 1024);
}

// The built server, as operators run it (its own memory limits), takes every class of hostile input in
// turn — deep JSON without a token, tenants full of maximum-size users listed at the largest count, the
// heaviest filter, a Bulk flood — and the same process is still there, answering, at the end.
describe.each(dialects())('one server process through every hostile input on %s', (dialect) => {
  let db: TestDatabase;
  let server: RunningServer;
  const admin = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.base}${path}`, init);

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    server = await startBuiltServer({
      DATABASE_URL: databaseUrl(db.config),
      ROSTER_ADMIN_TOKEN: ADMIN,
      ROSTER_TENANT_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await db?.drop();
  });

  it('answers each with a SCIM error or a bounded page, and is still the same process afterwards', async () => {
    const pid = server.child.pid!;
    const anonymousPeak = sampleAnonymousPeak(pid);
    const tenant = (await (await call('/admin/v1/tenants', { method: 'POST', headers: admin, body: '{"name":"Survival"}' })).json()) as {
      id: string;
      slug: string;
    };
    const issue = async (body: unknown) =>
      (
        (await (await call(`/admin/v1/tenants/${tenant.id}/tokens`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as {
          token: string;
        }
      ).token;
    const token = await issue({});
    const reader = await issue({ scope: 'read' });
    const scim = (t = token) => ({ Authorization: `Bearer ${t}`, 'Content-Type': 'application/scim+json' });
    const base = `/scim/v2/${tenant.slug}`;

    // 1. Deep JSON, with and without a token.
    for (const [path, headers] of [
      ['/health', { 'Content-Type': 'application/json' }],
      ['/scim/v2/anything/Users', { 'Content-Type': 'application/scim+json' }],
      [`${base}/Users`, scim()],
      [`${base}/Bulk`, scim()],
    ] as const) {
      for (const depth of [3000, 100_000]) {
        const response = await call(path, { method: 'POST', headers, body: nestedJson(depth, 'array') });
        expect([path, response.status]).toEqual([path, 400]);
      }
    }

    // 2. Two thousand maximum-size users, over HTTP, four Bulk requests at a time.
    const sample = JSON.stringify(maximumUser(USERS));
    expect(Buffer.byteLength(sample)).toBeGreaterThan(ScimLimits.maxResourceBytes - 2000);
    expect(Buffer.byteLength(sample)).toBeLessThanOrEqual(ScimLimits.maxResourceBytes);
    const bulks = Array.from({ length: Math.ceil(USERS / PER_BULK) }, (_, b) => b);
    for (let i = 0; i < bulks.length; i += 4) {
      await Promise.all(
        bulks.slice(i, i + 4).map(async (b) => {
          const Operations = Array.from({ length: Math.min(PER_BULK, USERS - b * PER_BULK) }, (_, j) => ({
            method: 'POST',
            path: '/Users',
            bulkId: `u${j}`,
            data: maximumUser(b * PER_BULK + j),
          }));
          const response = await call(`${base}/Bulk`, { method: 'POST', headers: scim(), body: JSON.stringify({ schemas: [BULK], Operations }) });
          expect(response.status).toBe(200);
          const body = (await response.json()) as { Operations: { status: string }[] };
          expect(body.Operations.every((o) => o.status === '201')).toBe(true);
        }),
      );
    }
    const afterWrites = status(pid);

    // 3. Listed at the largest count, by index and by cursor, with the read-only token too.
    let listed = 0;
    for (let start = 1; start <= USERS;) {
      const page = (await (await call(`${base}/Users?count=1000&startIndex=${start}`, { headers: scim(reader) })).json()) as {
        totalResults: number;
        itemsPerPage: number;
      };
      expect(page.totalResults).toBe(USERS);
      expect(page.itemsPerPage).toBeLessThan(60); // 2 MB of 64 KB users
      listed += page.itemsPerPage;
      start += page.itemsPerPage;
    }
    expect(listed).toBe(USERS);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => call(`${base}/Users?count=1000&cursor=`, { headers: scim(reader) })));
    expect(concurrent.map((r) => r.status)).toEqual(Array(8).fill(200));
    await Promise.all(concurrent.map((r) => r.arrayBuffer()));

    // 4. The heaviest filter, a few at once.
    const filtered = await Promise.all(
      Array.from({ length: 3 }, () => call(`${base}/Users?filter=${encodeURIComponent(worstFilter())}`, { headers: scim(reader) })),
    );
    for (const response of filtered) expect([200, 400, 429]).toContain(response.status);

    // 5. A Bulk flood at the default rate.
    await call(`/admin/v1/tenants/${tenant.id}`, { method: 'PATCH', headers: admin, body: '{"rateLimitPerSecond":50}' });
    const flood = await Promise.all(
      Array.from({ length: 20 }, (_, f) =>
        call(`${base}/Bulk`, {
          method: 'POST',
          headers: scim(),
          body: JSON.stringify({
            schemas: [BULK],
            Operations: Array.from({ length: 50 }, (_, j) => ({
              method: 'POST',
              path: '/Users',
              bulkId: `f${j}`,
              data: { userName: `flood-${f}-${j}@example.com` },
            })),
          }),
        }),
      ),
    );
    expect(flood.filter((r) => r.status === 429).length).toBeGreaterThan(0);

    // The same process, still answering.
    expect(server.child.exitCode).toBeNull();
    expect((await call('/health')).status).toBe(200);
    const end = status(pid);
    const anonymousPeakMb = anonymousPeak();
    const mappedMb = mappableMb(db.config);
    expect(anonymousPeakMb).toBeLessThan(512);
    expect(end.peakRssMb).toBeLessThan(512 + mappedMb);
    mkdirSync(join(__dirname, '../../../test-output'), { recursive: true });
    writeFileSync(
      join(__dirname, `../../../test-output/survival-${dialect}.json`),
      `${JSON.stringify({ dialect, users: USERS, userBytes: Buffer.byteLength(sample), afterWrites, end, anonymousPeakMb, mappedMb }, null, 2)}\n`,
    );
    expect(server.output()).not.toMatch(/heap out of memory|uncaught exception/i);
  }, 300_000);
});
