import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureApiBuilt, freePort, startBuiltServer } from '../../../test/support/built-server';

// The operational contract outside tools rely on: the built server starts, migrates its database,
// answers /health, logs JSON lines without secrets, and stops cleanly on SIGTERM.
describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-start-'));
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves on PORT with DATABASE_URL, and exits 0 on SIGTERM', async () => {
    const main = await ensureApiBuilt();
    const port = await freePort();
    const adminToken = 'start-test-admin-token-42';
    child = spawn(process.execPath, [main], {
      cwd: dir,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'db', 'roster.db')}`,
        ROSTER_ADMIN_TOKEN: adminToken,
        ROSTER_PUBLIC_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      await new Promise((r) => setTimeout(r, 100));
      healthy = await fetch(`${base}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
    }
    expect(healthy).toBe(true);
    const tenant = (await (
      await fetch(`${base}/admin/v1/tenants`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Started' }),
      })
    ).json()) as { id: string; scimBaseUrl: string };
    expect(tenant.scimBaseUrl).toBe(`${base}/scim/v2/started`);
    const token = (
      (await (await fetch(`${base}/admin/v1/tenants/${tenant.id}/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` } })).json()) as {
        token: string;
      }
    ).token;
    expect((await fetch(`${tenant.scimBaseUrl}/Users?startIndex=1&count=2`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    const exit = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const lines = output.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).toContain('"requestId"');
    expect(output).not.toContain(token);
    expect(output).not.toContain(adminToken);
  }, 60_000);

  // V8 would size the heap from the machine's memory; the server sets its own limits (v8-settings.ts).
  const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

  it('runs with bounded heap limits, in the process that was started, unless given its own', async () => {
    const started = await startBuiltServer({ DATABASE_URL: `sqlite:${join(dir, 'limits.db')}`, NODE_OPTIONS: '' });
    try {
      expect(commandLine(started.child.pid!)).toEqual(expect.arrayContaining(['--max-semi-space-size=16', '--max-old-space-size=256']));
    } finally {
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    }
    const own = await startBuiltServer({ DATABASE_URL: `sqlite:${join(dir, 'limits.db')}`, NODE_OPTIONS: '--max-old-space-size=300' });
    try {
      expect(commandLine(own.child.pid!).filter((arg) => arg.startsWith('--max'))).toEqual([]);
    } finally {
      own.child.kill('SIGTERM');
      expect(await own.exited).toBe(0);
    }
  }, 60_000);
});
