import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, dialects, reportSkippedPostgres, type Dialect } from '../../../test/support/databases';
import { EventReceiver, seqOf } from '../../../test/support/event-receiver';
import { freePort, ROOT, startBuiltServer, type RunningServer } from '../../../test/support/built-server';
import type { DatabaseConfig } from '@roster/config';

reportSkippedPostgres();

const ADMIN = 'events-process-admin-token';
const json = { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' };

function databaseUrl(config: DatabaseConfig): string {
  return config.dialect === 'sqlite' ? `sqlite:${config.path}` : config.url;
}

function serverEnv(url: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    ROSTER_ADMIN_TOKEN: ADMIN,
    ROSTER_PUBLIC_URL: 'https://roster.test',
    ROSTER_EVENTS_ALLOW_INSECURE: 'true',
    ROSTER_TENANT_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'warn',
  };
}

async function provision(
  server: RunningServer,
  receiver: EventReceiver,
  beforeStream?: (scim: string, token: string) => Promise<void>,
): Promise<{ scim: string; token: string }> {
  const tenant = (await (
    await fetch(`${server.base}/admin/v1/tenants`, { method: 'POST', headers: json, body: JSON.stringify({ name: `Crash ${Date.now()}` }) })
  ).json()) as { id: string; slug: string };
  const token = (
    (await (await fetch(`${server.base}/admin/v1/tenants/${tenant.id}/tokens`, { method: 'POST', headers: json, body: '{}' })).json()) as { token: string }
  ).token;
  await beforeStream?.(`/scim/v2/${tenant.slug}`, token);
  const stream = await fetch(`${server.base}/admin/v1/tenants/${tenant.id}/event-streams`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ delivery: 'push', endpointUrl: receiver.url, format: 'notice' }),
  });
  expect(stream.status).toBe(201);
  return { scim: `/scim/v2/${tenant.slug}`, token };
}

async function createUsers(servers: RunningServer[], scim: string, token: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const server = servers[i % servers.length];
    const response = await fetch(`${server.base}${scim}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ userName: `learner${i}@example.com` }),
    });
    expect(response.status).toBe(201);
  }
}

/** Every jti once, in sequence order when duplicates (at-least-once redeliveries) are set aside. */
function distinctInOrder(receiver: EventReceiver): number[] {
  const seen = new Set<number>();
  const order: number[] = [];
  for (const set of receiver.received) {
    const claims = JSON.parse(Buffer.from(set.jws.split('.')[1], 'base64url').toString()) as { jti: string };
    const seq = seqOf(claims.jti);
    if (!seen.has(seq)) order.push(seq);
    seen.add(seq);
  }
  return order;
}

describe.each(dialects())('event delivery across processes on %s', (dialect: Dialect) => {
  it('kill -9 of the server mid-delivery loses nothing: after a restart every SET arrives, in order, same jti', async () => {
    const db = await createTestDatabase(dialect);
    const receiver = await new EventReceiver().start();
    // A slow receiver keeps delivery in flight when the server is killed.
    receiver.respond = (_set, res) => setTimeout(() => res.writeHead(202).end(), 15);
    let first: RunningServer | undefined;
    let second: RunningServer | undefined;
    try {
      first = await startBuiltServer(serverEnv(databaseUrl(db.config)));
      const { scim, token } = await provision(first, receiver);
      await createUsers([first], scim, token, 60);
      await receiver.waitFor(5);
      first.child.kill('SIGKILL');
      await first.exited;
      const beforeRestart = distinctInOrder(receiver).length;
      expect(beforeRestart).toBeLessThan(60);
      second = await startBuiltServer(serverEnv(databaseUrl(db.config)));
      const deadline = Date.now() + 30_000;
      while (distinctInOrder(receiver).length < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const order = distinctInOrder(receiver);
      expect(order).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      first?.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await receiver.stop();
      await db.drop();
    }
  });
});

const postgresOnly = dialects().includes('postgresql') ? describe : describe.skip;

postgresOnly('two API processes on one PostgreSQL database', () => {
  it('deliver every SET exactly once while both run, one at a time per stream, in order', async () => {
    const db = await createTestDatabase('postgresql');
    const receiver = await new EventReceiver().start();
    let inFlight = 0;
    let maxInFlight = 0;
    receiver.respond = (_set, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(202).end();
      }, 2);
    };
    const servers: RunningServer[] = [];
    try {
      servers.push(await startBuiltServer(serverEnv(databaseUrl(db.config))));
      servers.push(await startBuiltServer(serverEnv(databaseUrl(db.config))));
      // The second process authenticates the tenant's token before the stream exists, and so remembers "no
      // streams" for a second; the stream is created through the first. Its writes right after must be recorded.
      const { scim, token } = await provision(servers[0], receiver, async (path, secret) => {
        expect((await fetch(`${servers[1].base}${path}/Users`, { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(200);
      });
      await createUsers([servers[1], servers[0]], scim, token, 120);
      await receiver.waitFor(120, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // anything sent twice would have arrived by now
      expect(receiver.received).toHaveLength(120);
      expect(distinctInOrder(receiver)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(maxInFlight).toBe(1);
    } finally {
      for (const server of servers) server.child.kill('SIGKILL');
      await receiver.stop();
      await db.drop();
    }
  });
});

describe('the example receiver of docs/events.md', () => {
  it('answers each failure so that Roster does the right thing: retried until it can process, final only for a bad SET, a redelivery done once', async () => {
    const readme = readFileSync(join(ROOT, 'docs/events.md'), 'utf8');
    const section = readme.slice(readme.indexOf('A push receiver that verifies every SET'));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1];
    const db = await createTestDatabase('sqlite');
    const [port, jwksPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(ROOT, '.receiver-'));
    let server: RunningServer | undefined;
    let receiver: ChildProcess | undefined;
    let output = '';
    // The key set reaches the receiver through this proxy, so that the test can make its fetch fail.
    let keySetDown = true;
    const jwksProxy = createServer((req, res) => {
      if (keySetDown) return void res.writeHead(500).end();
      fetch(`${server!.base}/.well-known/jwks.json`).then(
        async (answer) => res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(await answer.text()),
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((resolve) => jwksProxy.listen(jwksPort, '127.0.0.1', resolve));
    try {
      // Without ROSTER_PUBLIC_URL: the issuer is http://localhost:<PORT>, as the README says.
      server = await startBuiltServer({ ...serverEnv(databaseUrl(db.config)), ROSTER_PUBLIC_URL: '' });
      const origin = server.base;
      const endpoint = `http://127.0.0.1:${port}/scim-events`;
      const script = code
        .replace('https://scim.example.com/.well-known/jwks.json', `http://127.0.0.1:${jwksPort}/.well-known/jwks.json`)
        .replace("const issuer = 'https://scim.example.com'", `const issuer = 'http://localhost:${new URL(origin).port}'`)
        .replace("const audience = 'https://learning.example.com/scim-events'", `const audience = '${endpoint}'`)
        .replace('.listen(8080)', `.listen(${port}, '127.0.0.1')`);
      expect(script).not.toContain('example.com');
      // Inside the repository, so that `jose` resolves from its node_modules.
      writeFileSync(join(dir, 'receiver.mjs'), script);
      receiver = spawn(process.execPath, [join(dir, 'receiver.mjs')], {
        env: { ...process.env, EVENTS_SECRET: 'readme-secret' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      receiver.stdout!.on('data', (chunk) => (output += chunk));
      receiver.stderr!.on('data', (chunk) => (output += chunk));
      for (
        let i = 0;
        i < 50 &&
        !(await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x' }).then(
          () => true,
          () => false,
        ));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));

      const admin = (path: string, method = 'GET', body?: unknown) =>
        fetch(`${origin}/admin/v1${path}`, { method, headers: json, body: body === undefined ? undefined : JSON.stringify(body) }).then(
          async (r) => (await r.json()) as Record<string, unknown>,
        );
      const tenant = (await admin('/tenants', 'POST', { name: 'Readme' })) as { id: string; slug: string };
      const { token } = (await admin(`/tenants/${tenant.id}/tokens`, 'POST', {})) as { token: string };
      const stream = (await admin(`/tenants/${tenant.id}/event-streams`, 'POST', {
        delivery: 'push',
        endpointUrl: endpoint,
        authorizationHeader: 'Bearer readme-secret',
      })) as { id: string };
      type Health = { deliveredCount: number; failedCount: number; consecutiveFailures: number; lastError: string | null };
      const health = async (id = stream.id) => ((await admin(`/tenants/${tenant.id}/event-streams/${id}`)) as { health: Health }).health;
      const until = async (check: (h: Health) => boolean, id = stream.id) => {
        let current = await health(id);
        for (let i = 0; i < 150 && !check(current); i++) {
          await new Promise((r) => setTimeout(r, 100));
          current = await health(id);
        }
        expect(check(current)).toBe(true);
        return current;
      };
      const scim = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' };
      const user = (await (
        await fetch(`${origin}/scim/v2/${tenant.slug}/Users`, { method: 'POST', headers: scim, body: JSON.stringify({ userName: 'readme@example.com' }) })
      ).json()) as { id: string };

      // 1. Its key set cannot be fetched: 503, so Roster keeps the SET and sends it again once it can.
      const retried = await until((h) => h.consecutiveFailures >= 1);
      expect(retried).toMatchObject({ deliveredCount: 0, failedCount: 0, lastError: expect.stringContaining('HTTP 503') });
      keySetDown = false;
      await until((h) => h.deliveredCount === 1);
      expect(output).toContain(`urn:ietf:params:scim:event:prov:create:full /Users/${user.id}`);
      // One origin in the SET: the issuer's (checked by jwtVerify) and the resource's location.
      expect(output).toContain(`location: 'http://localhost:${new URL(origin).port}/scim/v2/${tenant.slug}/Users/${user.id}'`);

      // 2. The secret is being rotated (the header in Roster is not the one the receiver expects): 401, retried.
      await admin(`/tenants/${tenant.id}/event-streams/${stream.id}`, 'PATCH', { authorizationHeader: 'Bearer the-next-secret' });
      await fetch(`${origin}/scim/v2/${tenant.slug}/Users/${user.id}`, {
        method: 'PATCH',
        headers: scim,
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] }),
      });
      const unauthorised = await until((h) => h.consecutiveFailures >= 1);
      expect(unauthorised).toMatchObject({ deliveredCount: 1, failedCount: 0, lastError: expect.stringContaining('HTTP 401') });
      await admin(`/tenants/${tenant.id}/event-streams/${stream.id}`, 'PATCH', { authorizationHeader: 'Bearer readme-secret' });
      await until((h) => h.deliveredCount === 2);
      expect(output).toContain(`urn:ietf:params:scim:event:prov:deactivate /Users/${user.id}`);

      // 3. A SET that is really invalid for this receiver (another audience): 400 with an error, final.
      const forged = await fetch(endpoint, { method: 'POST', headers: { Authorization: 'Bearer readme-secret' }, body: 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA' });
      expect([forged.status, ((await forged.json()) as { err: string }).err]).toEqual([400, 'invalid_key']);
      const elsewhere = (await admin(`/tenants/${tenant.id}/event-streams`, 'POST', {
        delivery: 'push',
        endpointUrl: endpoint,
        authorizationHeader: 'Bearer readme-secret',
        audience: 'https://another-receiver.example/events',
      })) as { id: string };
      await fetch(`${origin}/scim/v2/${tenant.slug}/Users`, { method: 'POST', headers: scim, body: JSON.stringify({ userName: 'second@example.com' }) });
      const refused = await until((h) => h.failedCount === 1, elsewhere.id);
      expect(refused).toMatchObject({ deliveredCount: 0, backlog: 0, lastError: expect.stringContaining('invalid_audience') });

      // 4. A redelivery (same jti) is acknowledged and not processed again.
      const pollStream = (await admin(`/tenants/${tenant.id}/event-streams`, 'POST', { delivery: 'poll', audience: endpoint })) as {
        pollUrl: string;
        pollToken: string;
      };
      await fetch(`${origin}/scim/v2/${tenant.slug}/Users`, { method: 'POST', headers: scim, body: JSON.stringify({ userName: 'third@example.com' }) });
      const polled = (await (
        await fetch(pollStream.pollUrl.replace(/^https?:\/\/[^/]+/, origin), {
          method: 'POST',
          headers: { Authorization: `Bearer ${pollStream.pollToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ returnImmediately: true }),
        })
      ).json()) as { sets: Record<string, string> };
      const [set] = Object.values(polled.sets);
      const txn = (JSON.parse(Buffer.from(set.split('.')[1], 'base64url').toString()) as { txn: string }).txn;
      await until((h) => h.deliveredCount === 4); // the push stream's own SET of the same change (another jti)
      const processed = () => output.split('\n').filter((line) => line.startsWith(txn)).length;
      expect(processed()).toBe(1);
      for (let i = 0; i < 2; i++) {
        const answer = await fetch(endpoint, { method: 'POST', headers: { Authorization: 'Bearer readme-secret' }, body: set });
        expect(answer.status).toBe(202);
      }
      expect(processed()).toBe(2); // once for the new jti, not again for its redelivery
    } finally {
      receiver?.kill('SIGKILL');
      server?.child.kill('SIGKILL');
      jwksProxy.close();
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
