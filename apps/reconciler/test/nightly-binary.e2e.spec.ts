import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { Client } from 'pg';
import { processStartTime } from '@roster/platform';
import { createTestDatabase, dialects, reportSkippedPostgres } from '../../../test/support/databases';
import { ensureBuilt } from '../../../test/support/built-server';
import { createTenant, startTestApp, type TestApp } from '../../../test/support/test-app';
import { otherWriter } from '../../../test/support/other-sqlite-writer';

reportSkippedPostgres();

let main = '';
beforeAll(async () => {
  main = await ensureBuilt('reconciler');
});

function run(args: string[], databaseUrl: string) {
  const result = spawnSync(process.execPath, [main, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = result.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lines, tenant: lines.find((l) => l.msg === 'tenant checked') ?? {} };
}

describe('the nightly job binary, without a usable database', () => {
  it('--help explains itself and touches nothing (exit 0); an unknown flag is exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-nightly-'));
    try {
      const help = run(['--help'], `sqlite:${join(dir, 'never', 'roster.db')}`);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: npm run reconcile');
      expect(existsSync(join(dir, 'never'))).toBe(false);
      const wrong = run(['--repiar'], 'postgres://nobody@127.0.0.1:1/none');
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain("Unknown option '--repiar'");
      expect(run(['--repair', '--dry-run'], 'sqlite::memory:').code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(dialects())('the nightly job binary on %s', (dialect) => {
  let t: TestApp;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'roster-nightly-'));
  beforeAll(async () => {
    t = await startTestApp(dialect);
    url = t.config.database.dialect === 'sqlite' ? `sqlite:${t.config.database.path}` : t.config.database.url;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exit 0 when healthy, 1 with findings (JSON lines, --json report), --dry-run repairs nothing, --repair does', async () => {
    const tenant = await createTenant(t, 'Nightly');
    const auth = { Authorization: `Bearer ${tenant.token}` };
    const linked = await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'linked@example.com', externalId: 'okta-1' }).expect(201);
    const healthy = run(['--tenant', tenant.slug], url);
    expect([healthy.code, healthy.stderr]).toEqual([0, '']);
    expect(healthy.tenant).toMatchObject({ msg: 'tenant checked', slug: tenant.slug, usersChecked: 1, findings: [] });
    expect(healthy.lines.at(-1)).toMatchObject({ msg: 'nightly run finished', tenants: 1, findings: 0, retention: 'applied' });

    // A report whose manager the IdP has not sent yet, and a user the IdP never linked: reported, but
    // nothing an operator must act on, so the job still exits 0 (no alarm every night).
    const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    await t.http
      .post(`${tenant.base}/Users`)
      .set(auth)
      .send({ userName: 'report@example.com', externalId: 'okta-2', [ENT]: { manager: { value: '0190f5d2-0000-7000-8000-000000000001' } } })
      .expect(201);
    await t.http.post(`${tenant.base}/Users`).set(auth).send({ userName: 'unlinked@example.com' }).expect(201);
    const informational = run(['--tenant', tenant.slug], url);
    expect([informational.code, informational.stderr]).toEqual([0, '']);
    expect((informational.tenant.findings as { kind: string }[]).map((f) => f.kind).sort()).toEqual(['unresolved-managers', 'users-without-external-id']);
    expect(informational.lines.some((l) => l.msg === 'drift')).toBe(false);
    expect(informational.lines.at(-1)).toMatchObject({ drift: 0, unresolvedManagers: 1, findings: 2, findingsNeedingAction: 0 });

    await t.http.get(`${tenant.base}/Users`).set('Authorization', 'Bearer rstr-revoked-or-wrong').expect(401);
    const report = join(dir, `report-${dialect}.json`);
    const found = run(['--tenant', tenant.id, '--json', report], url);
    expect(found.code).toBe(1);
    const kinds = (found.tenant.findings as { kind: string }[]).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['users-without-external-id', 'auth-failures']));
    const full = JSON.parse(readFileSync(report, 'utf8'));
    expect(full.tenants[0].findings.find((f: { kind: string }) => f.kind === 'users-without-external-id')).toMatchObject({
      count: 1,
      examples: ['unlinked@example.com'],
    });
    expect(full.tenants[0].health.counts).toMatchObject({ users: 3, activeUsers: 3 });
    expect(full.maxRssBytes).toBeGreaterThan(0);

    // Internal drift: --dry-run reports it and changes nothing; --repair fixes it.
    const em = t.app.get(MikroORM).em.fork();
    await em.getConnection().execute('update users set user_name_ci = ? where id = ?', ['broken@example.com', linked.body.id]);
    const dry = run(['--tenant', tenant.slug, '--dry-run'], url);
    expect(dry.code).toBe(1);
    expect((dry.tenant.findings as { kind: string }[]).map((f) => f.kind)).toContain('drift');
    expect(dry.lines.at(-1)).toMatchObject({ retention: 'skipped (dry run)', repaired: 0 });
    expect(dry.lines.some((l) => l.msg === 'drift' && l.userId === linked.body.id)).toBe(true);
    const repaired = run(['--tenant', tenant.slug, '--repair'], url);
    expect(repaired.lines.at(-1)).toMatchObject({ repaired: 1 });
    expect((repaired.tenant.findings as { kind: string }[]).map((f) => f.kind)).not.toContain('drift');
    const rows = (await em.getConnection().execute('select user_name_ci from users where id = ?', [linked.body.id])) as { user_name_ci: string }[];
    expect(rows[0].user_name_ci).toBe('linked@example.com');
  });

  // The server beside it writes all day (its request log alone, once a second): the job's retention
  // deletes wait for the write lock, where the server's requests would answer 503 after 50 ms.
  // SQLite only: PostgreSQL has no database-wide write lock.
  if (dialect === 'sqlite')
    it("waits for another process's write lock instead of failing with 'database is locked'", async () => {
      const tenant = await createTenant(t, 'Locked');
      const writer = await otherWriter((t.config.database as { path: string }).path, 'hold', 1500);
      const exited = new Promise((resolve) => writer.once('exit', resolve));
      const result = run(['--tenant', tenant.slug], url);
      await exited;
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(result.lines.at(-1)).toMatchObject({ msg: 'nightly run finished', retention: 'applied' });
    });

  const onTerminal = existsSync('/usr/bin/script') ? it : it.skip;
  onTerminal('on a terminal: a progress bar per tenant and a summary table instead of JSON lines', async () => {
    const tenant = await createTenant(t, 'Terminal');
    await t.http
      .post(`${tenant.base}/Users`)
      .set('Authorization', `Bearer ${tenant.token}`)
      .send({ userName: 'tty@example.com', externalId: 'x-1' })
      .expect(201);
    // util-linux `script` runs the job on a pseudo-terminal, as a person at a shell would.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(main)} --tenant ${tenant.slug}`;
    const result = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\[#{30}\] 100% {2}tenant 1\/1 terminal/);
    expect(result.stdout).toMatch(/tenant\s+users\s+active\s+groups\s+last IdP request\s+findings/);
    // The token's last use is written beside the request, not awaited by it: a date, or "never" if not yet.
    expect(result.stdout).toMatch(new RegExp(`${tenant.slug}\\s+1\\s+1\\s+0\\s+(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}|never)\\s+0`));
    expect(result.stdout).not.toContain('"msg"'); // no JSON lines on a terminal
  });

  it('exit 2 for an unknown tenant, an unmigrated database, and while another run holds the lock', async () => {
    expect(run(['--tenant', 'no-such-tenant'], url)).toMatchObject({ code: 2 });
    const fresh = await createTestDatabase(dialect);
    try {
      const unmigrated = run([], fresh.config.dialect === 'sqlite' ? `sqlite:${fresh.config.path}` : fresh.config.url);
      expect(unmigrated.code).toBe(2);
      expect(unmigrated.stderr).toContain('pending migration');
    } finally {
      await fresh.drop();
    }
    if (t.config.database.dialect === 'sqlite') {
      // A live holder (this test process) keeps the lock; a dead one's lock is taken over.
      const lock = `${t.config.database.path}.nightly.lock`;
      writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: processStartTime(process.pid) }));
      try {
        const busy = run([], url);
        expect(busy.code).toBe(2);
        expect(busy.stderr).toContain('another nightly run is in progress');
        writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: '1' }));
        expect(run([], url).code).not.toBe(2);
        expect(existsSync(lock)).toBe(false);
      } finally {
        rmSync(lock, { force: true });
      }
    } else {
      const holder = new Client({ connectionString: t.config.database.url });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock(7202612010)');
        const busy = run([], url);
        expect(busy.code).toBe(2);
        expect(busy.stderr).toContain('another nightly run is in progress');
      } finally {
        await holder.end(); // the session ends: the lock goes with it
      }
      expect(run([], url).code).not.toBe(2);
    }
  });
});
