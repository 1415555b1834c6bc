import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM } from '@mikro-orm/core';
import { HeavyReads } from '@roster/platform';
import { seedUsers } from '../../cli/src/bench/seed';
import { expectScimError } from '../../../test/support/contract-assert';
import { worstFilter } from '../../../test/support/hostile-inputs';
import { dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { createTenant, startTestApp, type TestApp, type TestTenant } from '../../../test/support/test-app';

reportSkippedPostgres();

const phones = (n: number) => ({
  phoneNumbers: [
    { value: `+1 555 01${String(n).padStart(6, '0')}`, type: 'work' },
    { value: `+1 555 02${String(n).padStart(6, '0')}`, type: 'mobile' },
  ],
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

// One tenant's expensive query must not hold up another tenant's requests: on SQLite it runs on a read
// worker (heavy-reads.ts), on PostgreSQL on a pool of its own; both under a time budget.
describe.each(dialects())("a tenant's heaviest filter on %s", (dialect) => {
  let t: TestApp;
  let big: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    // The filter's own time is what this test reports, not what it is stopped at (the last test here is).
    t = await startTestApp(dialect, { ROSTER_QUERY_BUDGET_MS: '60000' });
    big = await createTenant(t, 'Twenty thousand');
    other = await createTenant(t, 'Neighbour');
    await seedUsers(t.app.get(MikroORM).em.fork(), big.id, 20_000, 'learner', phones);
    await t.http.post(`${other.base}/Users`).set('Authorization', `Bearer ${other.token}`).send({ userName: 'neighbour@example.com' }).expect(201);
  }, 120_000);
  afterAll(async () => t?.close());

  it("another tenant's userName lookups and /health keep answering while it runs", async () => {
    const samples: { at: number; ms: number }[] = [];
    let finished = 0;
    const started = Date.now();
    const heavy = t.http
      .get(`${big.base}/Users`)
      .query({ filter: worstFilter(), count: 10 })
      .set('Authorization', `Bearer ${big.token}`)
      .then((response) => {
        finished = Date.now();
        return response;
      });
    while (!finished) {
      const sent = Date.now();
      const [lookup, health] = await Promise.all([
        t.http.get(`${other.base}/Users`).query({ filter: 'userName eq "neighbour@example.com"' }).set('Authorization', `Bearer ${other.token}`),
        t.http.get('/health'),
      ]);
      expect([lookup.status, lookup.body.totalResults, health.status]).toEqual([200, 1, 200]);
      samples.push({ at: Date.now(), ms: Date.now() - sent });
      await sleep(5);
    }
    const response = await heavy;
    expect([response.status, response.body.totalResults]).toEqual([200, 0]);
    // Answered while the filter was still running (the first 100 ms left out: it may not have started yet).
    // Had it run on the event loop, none could have been: every request waits for it there.
    const during = samples.filter((sample) => sample.at > started + 100 && sample.at < finished);
    expect(during.length).toBeGreaterThanOrEqual(5);
    const report = {
      dialect,
      users: 20_000,
      filterChars: worstFilter().length,
      filterMs: finished - started,
      samples: during.length,
      p50Ms: percentile(
        during.map((s) => s.ms),
        50,
      ),
      p99Ms: percentile(
        during.map((s) => s.ms),
        99,
      ),
      maxMs: Math.max(...during.map((s) => s.ms)),
    };
    mkdirSync(join(__dirname, '../../../test-output'), { recursive: true });
    writeFileSync(join(__dirname, `../../../test-output/isolation-${dialect}.json`), `${JSON.stringify(report, null, 2)}\n`);
  });

  it('runs expensive reads apart and cheap ones in place: a lookup by userName takes no heavy-read slot', async () => {
    const heavyReads = t.app.get(HeavyReads);
    const lookup = t.http.get(`${big.base}/Users`).query({ filter: 'userName eq "learner7@example.com"' }).set('Authorization', `Bearer ${big.token}`);
    expect(heavyReads.load).toEqual({ running: 0, waiting: 0 });
    expect((await lookup).body.totalResults).toBe(1);
    const substring = t.http
      .get(`${big.base}/Users`)
      .query({ filter: 'phoneNumbers[value co "zzz"] or phoneNumbers[value co "yyy"]' })
      .set('Authorization', `Bearer ${big.token}`)
      .then((r) => r);
    for (let i = 0; i < 200 && heavyReads.load.running === 0; i++) await sleep(1);
    expect(heavyReads.load.running).toBe(1);
    expect((await substring).body.totalResults).toBe(0);
  });

  it('has its SQLite read workers started before the first heavy read needs one (the server warms them up once migrated)', async () => {
    const heavyReads = t.app.get(HeavyReads);
    heavyReads.warmUp();
    const running = heavyReads.sqliteReadersRunning;
    expect(running).toBe(dialect === 'sqlite' ? 4 : 0); // ROSTER_HEAVY_READ_CONCURRENCY's default
    const auth = { Authorization: `Bearer ${big.token}` };
    const reads = ['zzz', 'yyy', 'xxx', 'www'].map((text) =>
      t.http
        .get(`${big.base}/Users`)
        .query({ filter: `phoneNumbers.value co "${text}"` })
        .set(auth),
    );
    for (const read of await Promise.all(reads)) expect(read.body.totalResults).toBe(0);
    expect(heavyReads.sqliteReadersRunning).toBe(running); // none started on demand
  });
});

describe.each(dialects())('the time budget of one query on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp(dialect, { ROSTER_QUERY_BUDGET_MS: '100' });
    tenant = await createTenant(t, 'Budget');
    await seedUsers(t.app.get(MikroORM).em.fork(), tenant.id, 10_000, 'budget', phones);
  }, 120_000);
  afterAll(async () => t?.close());

  it('a filter that runs past it is stopped with 400 tooMany that says so; the tenant and the process go on', async () => {
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const stopped = await t.http.get(`${tenant.base}/Users`).query({ filter: worstFilter() }).set(auth);
    expectScimError(stopped, 400, 'tooMany');
    expect(stopped.body.detail).toContain('0.1 s one query may take');
    await t.http.get(`${tenant.base}/Users`).query({ filter: 'userName eq "budget7@example.com"' }).set(auth).expect(200);
    const narrow = await t.http.get(`${tenant.base}/Users`).query({ filter: 'phoneNumbers[value co "0100007"]' }).set(auth).expect(200);
    expect(narrow.body.totalResults).toBeGreaterThanOrEqual(1);
    await t.http.get('/health').expect(200);
  });
});
