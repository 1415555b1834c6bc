import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

export interface ReceivedSet {
  jws: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

/**
 * A real RFC 8935 receiver on loopback. `respond` decides each answer (202 by default), so a test can
 * make it fail, refuse a SET, or go away and come back.
 */
export class EventReceiver {
  readonly received: ReceivedSet[] = [];
  respond: (set: ReceivedSet, res: ServerResponse) => void = (_set, res) => res.writeHead(202).end();
  private server?: Server;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const set = { jws: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization, contentType: req.headers['content-type'] };
        this.received.push(set);
        this.respond(set, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  /** Waits until `count` SETs were received (or throws after `ms`). */
  async waitFor(count: number, ms = 20_000): Promise<ReceivedSet[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`received ${this.received.length} SETs, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.received;
  }
}

/** Verifies a SET's signature against a JWKS, as a receiver would, and returns its claims. */
export async function verifySet(
  jws: string,
  jwks: JSONWebKeySet,
  expected: { issuer: string; audience: string },
): Promise<JWTPayload & Record<string, unknown>> {
  const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), {
    issuer: expected.issuer,
    audience: expected.audience,
    typ: 'secevent+jwt',
    algorithms: ['ES256'],
  });
  if (!protectedHeader.kid) throw new Error('a SET without kid');
  return payload as JWTPayload & Record<string, unknown>;
}

/** The sequence number at the end of a Roster jti ("<stream>.<seq>"), for ordering checks. */
export function seqOf(jti: unknown): number {
  return Number(String(jti).split('.').pop());
}
