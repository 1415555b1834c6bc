import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './endpoint-policy';

/** RFC 8935 §2.4: what became of one SET. */
export type PushOutcome =
  | { kind: 'delivered' }
  /** 400 with an RFC 8935 error: the receiver will never take this SET; not retried. */
  | { kind: 'rejected'; err: string; description: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export const PUSH_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_RETRY_AFTER_MS = 3600_000;

/** Refuses, at connection time, names that resolve to private addresses (no DNS rebinding around the check). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const blocked = list.find((entry) => isPrivateAddress(entry.address));
    if (blocked) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

/**
 * POSTs SETs with keep-alive connections. One client per process; each stream's SETs go one at a
 * time, in order, so a connection per stream is all it needs.
 */
export class PushClient {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };

  constructor(private readonly allowInsecure: boolean) {}

  push(endpoint: string, authorization: string | null, jws: string): Promise<PushOutcome> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return resolve({ kind: 'retry', reason: 'the endpoint URL is invalid' });
      }
      const secure = url.protocol === 'https:';
      if (!secure && !this.allowInsecure) return resolve({ kind: 'retry', reason: 'plain http endpoints are not allowed' });
      const body = Buffer.from(jws, 'utf8');
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        lookup: this.allowInsecure ? undefined : publicOnlyLookup,
        headers: {
          'content-type': 'application/secevent+jwt',
          accept: 'application/json',
          'content-length': body.length,
          ...(authorization ? { authorization } : {}),
        },
        timeout: PUSH_TIMEOUT_MS,
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${PUSH_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'retry', reason: `${error.code ?? 'network error'}: ${error.message}`.slice(0, 500) }),
      );
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on('error', () => resolve({ kind: 'retry', reason: 'the response was cut off' }));
        response.on('end', () => resolve(outcomeOf(response.statusCode ?? 0, response.headers['retry-after'], Buffer.concat(chunks).toString('utf8'))));
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** 2xx delivered; 400 with {"err": …} is the receiver's final word on the SET; everything else is retried. */
export function outcomeOf(status: number, retryAfter: string | undefined, body: string): PushOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 400) {
    const error = parseError(body);
    if (error) return { kind: 'rejected', ...error };
  }
  return { kind: 'retry', reason: `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`, retryAfterMs: retryAfterMs(retryAfter) };
}

function parseError(body: string): { err: string; description: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { err?: unknown; description?: unknown };
    if (typeof parsed.err !== 'string') return undefined;
    return { err: parsed.err.slice(0, 64), description: typeof parsed.description === 'string' ? parsed.description.slice(0, 1000) : '' };
  } catch {
    return undefined;
  }
}

/** Retry-After as seconds or an HTTP date, capped at an hour. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
