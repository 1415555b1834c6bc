import { spawn } from 'node:child_process';

// The outbox's cost to a write, and push delivery throughput to a receiver on loopback.

export interface EventsBenchTarget {
  /** Origin of the running server, e.g. http://127.0.0.1:PORT */
  origin: string;
  adminToken: string;
  /** Creates a tenant and returns its SCIM base URL and token. */
  newTenant(name: string): Promise<{ id: string; base: string; token: string }>;
  timed(fn: () => Promise<Response>, expected?: number): Promise<number>;
  summary(samples: number[]): string;
  mean(samples: number[]): number;
}

// A receiver in its own process (as the host application would be), answering 202 and counting.
const RECEIVER = `
const http = require('node:http');
let count = 0;
http.createServer((req, res) => {
  if (req.method === 'GET') return res.end(String(count));
  req.resume();
  req.on('end', () => { count++; res.writeHead(202).end(); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

async function startReceiver(): Promise<{ url: string; count: () => Promise<number>; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk) => resolve(Number(String(chunk).trim()))));
  const url = `http://127.0.0.1:${port}`;
  return { url: `${url}/events`, count: async () => Number(await (await fetch(url)).text()), stop: () => child.kill() };
}

export async function benchEvents(target: EventsBenchTarget): Promise<void> {
  const admin = { Authorization: `Bearer ${target.adminToken}`, 'Content-Type': 'application/json' };
  const streamsUrl = (tenantId: string) => `${target.origin}/admin/v1/tenants/${tenantId}/event-streams`;
  const createStream = async (tenantId: string, body: object) =>
    (await (await fetch(streamsUrl(tenantId), { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { id: string };
  const receiver = await startReceiver();
  try {
    // 1. Write latency: creates and Okta-style deactivations, without streams and with two (poll: the
    // pure outbox cost; push: the outbox plus this process delivering them meanwhile).
    const tenant = await target.newTenant('Events bench');
    const headers = { Authorization: `Bearer ${tenant.token}`, 'Content-Type': 'application/scim+json' };
    const send = (method: string, path: string, body: unknown) => fetch(`${tenant.base}${path}`, { method, headers, body: JSON.stringify(body) });
    // Poll streams count for the outbox whether paused or not: rounds without streams delete them.
    const streams: string[] = [];
    const setStreams = async (active: boolean) => {
      if (!active) for (const id of streams.splice(0)) await fetch(`${streamsUrl(tenant.id)}/${id}`, { method: 'DELETE', headers: admin });
      else while (streams.length < 2) streams.push((await createStream(tenant.id, { delivery: 'poll' })).id);
    };
    const samples = { none: { create: [] as number[], patch: [] as number[] }, two: { create: [] as number[], patch: [] as number[] } };
    for (let round = 0; round < 12; round++) {
      const withStreams = round % 2 === 1;
      await setStreams(withStreams);
      const into = withStreams ? samples.two : samples.none;
      for (let i = 0; i < 100; i++) {
        let id = '';
        into.create.push(
          await target.timed(async () => {
            const response = await send('POST', '/Users', { userName: `e${round}-${i}@example.com`, name: { givenName: 'E', familyName: String(i) } });
            id = ((await response.clone().json()) as { id: string }).id;
            return response;
          }, 201),
        );
        into.patch.push(
          await target.timed(
            () =>
              send('PATCH', `/Users/${id}`, {
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', value: { active: false } }],
              }),
            200,
          ),
        );
      }
    }
    // The first round warms up and is left out.
    const cost = (kind: 'create' | 'patch') => ((target.mean(samples.two[kind]) / target.mean(samples.none[kind].slice(100)) - 1) * 100).toFixed(1);
    console.log(
      `- POST /Users, no stream: ${target.summary(samples.none.create.slice(100))}; 2 streams: ${target.summary(samples.two.create)} (outbox +${cost('create')}% of the mean)`,
    );
    console.log(
      `- PATCH active:false, no stream: ${target.summary(samples.none.patch.slice(100))}; 2 streams: ${target.summary(samples.two.patch)} (outbox +${cost('patch')}% of the mean)`,
    );

    // 2. Push throughput: a backlog built while the stream is paused, then delivered to the receiver.
    const pushTenant = await target.newTenant('Push bench');
    const push = await createStream(pushTenant.id, { delivery: 'push', endpointUrl: receiver.url });
    const setStatus = (status: 'active' | 'paused') =>
      fetch(`${streamsUrl(pushTenant.id)}/${push.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ status }) });
    await setStatus('paused');
    const total = 2000;
    for (let round = 0; round < total / 1000; round++) {
      const Operations = Array.from({ length: 1000 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `b${i}`,
        data: { userName: `p${round}-${i}@example.com` },
      }));
      await fetch(`${pushTenant.base}/Bulk`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${pushTenant.token}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations }),
      });
    }
    const started = process.hrtime.bigint();
    await setStatus('active');
    while ((await receiver.count()) < total) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `- push delivery of a ${total}-SET backlog (full format, ES256) to a receiver on loopback: ${seconds.toFixed(2)} s, ${(total / seconds).toFixed(0)} SETs/s`,
    );
  } finally {
    receiver.stop();
  }
}
