import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { MigrationRunner } from '@roster/platform';
import { EventSignals } from './event-signals';
import { EventStreamsRepository, type StreamState } from './event-streams.repository';
import { eventIssuer } from './issuer';
import { ProvisioningEventsRepository, type SequencedChange } from './provisioning-events.repository';
import { PushClient, type PushOutcome } from './push-client';
import { claimsFor, jtiOf } from './set-identity';
import { SigningKeys } from './signing-keys';

/**
 * A stream is leased to one process at a time; the lease is renewed with every saved step (at most
 * SAVE_EVERY_MS plus one push timeout apart, well inside it). A process that dies holding a lease
 * delays its streams by at most this much, or not at all when it ran on this host (see isDeadLocalOwner).
 */
const LEASE_MS = 15_000;
/** Progress is saved at least this often (a crash re-sends at most what was sent since: same jti). */
const SAVE_EVERY_SETS = 50;
const SAVE_EVERY_MS = 2_000;
const BATCH = 200;
// A look that finds nothing to deliver makes the next one wait twice as long, up to IDLE_LOOK_MAX_MS: every
// process looked twice a second, for ever, at a database with no push stream. Commits wake it at once (this
// process's, and on PostgreSQL every process's: EventSignals), so the wait only bounds how soon it notices a
// retry falling due, an expired lease, or (on SQLite) another process's commit.
const IDLE_LOOK_MS = 500;
const IDLE_LOOK_MAX_MS = 5000;
const MAX_PARALLEL_STREAMS = 8;
const MAX_BACKOFF_MS = 5 * 60_000;

/** A push stream this process holds the lease of. */
type LeasedStream = StreamState & { endpointUrl: string };

/** host:pid:random — a lease owner held by a process of this host that is gone (or an earlier life of this pid). */
export function isDeadLocalOwner(owner: string, self: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  if (Number(pid) === process.pid) return owner !== self;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Delivers push streams (RFC 8935): each stream's SETs one at a time, in the tenant's commit order, by
 * whichever process holds the stream's lease. A receiver that fails is retried with exponential backoff
 * and jitter (or its Retry-After) without ever skipping ahead; a 400 with an RFC 8935 error is final
 * for that SET. Delivery is at-least-once: after a crash the unsaved tail is sent again, same jti.
 */
@Injectable()
export class PushDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger('PushDispatcher');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly client: PushClient;
  private readonly delivering = new Set<string>();
  private running = false;
  private timer?: NodeJS.Timeout;
  private stopSignals?: () => void;
  private looking?: Promise<void>;
  private lookAgain = false;
  private idleMs = IDLE_LOOK_MS;
  /** Tenants with an active push stream, as of the last look: only their commits are worth a look now. */
  private pushTenants = new Set<string>();

  constructor(
    private readonly em: EntityManager,
    private readonly keys: SigningKeys,
    private readonly signals: EventSignals,
    private readonly migrations: MigrationRunner,
    private readonly streams: EventStreamsRepository,
    private readonly events: ProvisioningEventsRepository,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {
    this.client = new PushClient(config.events.allowInsecureEndpoints);
  }

  /** Called by the processes that deliver: the API server (unless ROSTER_EVENTS_DISPATCH=off) and `npm run dispatch`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopSignals = this.signals.onCommitted((tenantId) => this.pushTenants.has(tenantId) && this.wake());
    this.schedule(0);
  }

  // Before the ORM closes its connections (on application shutdown): in-flight work still has a database.
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.stopSignals?.();
    await this.looking;
    // In-flight pushes finish (at most the push timeout); their progress is saved, then leases are released.
    while (this.delivering.size) await new Promise((resolve) => setTimeout(resolve, 20));
    this.client.close();
  }

  /** Look for work now (events were committed, or a stream was resumed). */
  wake(): void {
    this.idleMs = IDLE_LOOK_MS;
    if (this.running) this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.look(), ms);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    let started = 0;
    this.looking = this.findAndStart()
      .then((count) => void (started = count))
      .catch((error: unknown) => this.logger.error(`looking for due streams failed: ${String(error)}`));
    await this.looking;
    this.looking = undefined;
    if (!this.running) return;
    if (this.lookAgain) {
      this.lookAgain = false;
      this.schedule(0);
    } else {
      this.idleMs = started ? IDLE_LOOK_MS : Math.min(IDLE_LOOK_MAX_MS, this.idleMs * 2);
      this.schedule(this.idleMs);
    }
  }

  /** Starts delivering the streams that are due; how many it started. */
  private async findAndStart(): Promise<number> {
    if (!this.running || !this.migrations.ready) return 0;
    if (this.delivering.size >= MAX_PARALLEL_STREAMS) return this.delivering.size;
    const em = this.em.fork();
    // A deleted tenant's streams stop with it (TenantsService.delete).
    this.pushTenants = new Set(await this.streams.pushTenants(em));
    if (!this.pushTenants.size) return 0;
    let started = 0;
    for (const { id, leaseOwner: owner, leaseUntil: until } of await this.streams.duePushStreams(em, new Date(), hostname(), MAX_PARALLEL_STREAMS * 2)) {
      if (owner && owner !== this.owner && until && until.getTime() > Date.now()) {
        if (!isDeadLocalOwner(owner, this.owner)) continue;
        // Its holder crashed on this host (kill -9, container restart): take the stream over now.
        await this.streams.releaseLease(em, id, owner);
      }
      if (this.delivering.size >= MAX_PARALLEL_STREAMS) break;
      if (this.delivering.has(id)) continue;
      this.delivering.add(id);
      started++;
      void this.deliver(id)
        .catch((error: unknown) => this.logger.error(`delivery of stream ${id} failed: ${String(error)}`))
        .finally(() => {
          this.delivering.delete(id);
          this.wake();
        });
    }
    return started;
  }

  /** Takes the stream's lease, sends what is due in order, saves progress, and gives the lease back. */
  private async deliver(streamId: string): Promise<void> {
    const em = this.em.fork();
    const stream = await this.lease(em, streamId);
    if (!stream) return;
    const issuer = eventIssuer(this.config);
    let position = stream.position;
    let unsaved = { delivered: 0, failed: 0, since: Date.now() };
    let keep = true;
    try {
      while (keep && this.running) {
        const changes = await this.events.changesAfter(em, stream.tenantId, position, BATCH);
        if (!changes.length) break;
        for (const change of changes) {
          const outcome = await this.send(stream, change, issuer);
          if (outcome.kind === 'retry') {
            await this.save(em, stream, position, unsaved);
            await this.backOff(em, stream, outcome);
            return;
          }
          if (outcome.kind === 'rejected') {
            await this.recordRejection(em, stream, change.seq, outcome);
            unsaved.failed++;
          } else if (outcome.kind === 'delivered') {
            unsaved.delivered++;
          }
          position = change.seq;
          if (unsaved.delivered + unsaved.failed >= SAVE_EVERY_SETS || Date.now() - unsaved.since >= SAVE_EVERY_MS) {
            keep = await this.save(em, stream, position, unsaved);
            unsaved = { delivered: 0, failed: 0, since: Date.now() };
            if (!keep || !this.running) break;
          }
        }
      }
      if (keep) await this.save(em, stream, position, unsaved);
    } finally {
      await this.streams.releaseLease(em, streamId, this.owner);
    }
  }

  private async send(stream: LeasedStream, change: SequencedChange, issuer: string): Promise<PushOutcome | { kind: 'skipped' }> {
    const claims = claimsFor(change, stream.id, stream, issuer);
    if (!claims) return { kind: 'skipped' };
    return this.client.push(stream.endpointUrl, stream.authorizationHeader, await this.keys.sign(claims));
  }

  private async lease(em: EntityManager, streamId: string): Promise<LeasedStream | undefined> {
    const now = new Date();
    if (!(await this.streams.takeLease(em, streamId, this.owner, now, new Date(now.getTime() + LEASE_MS)))) return undefined;
    const stream = await this.streams.read(em, streamId);
    return stream?.endpointUrl ? { ...stream, endpointUrl: stream.endpointUrl } : undefined;
  }

  /** Saves the position and renews the lease; false when the lease was lost or the stream paused or deleted. */
  private save(em: EntityManager, stream: LeasedStream, position: number, progress: { delivered: number; failed: number }): Promise<boolean> {
    const now = new Date();
    return this.streams.savePushed(em, stream.id, this.owner, { position, ...progress, at: now }, new Date(now.getTime() + LEASE_MS));
  }

  private async backOff(em: EntityManager, stream: LeasedStream, outcome: Extract<PushOutcome, { kind: 'retry' }>): Promise<void> {
    const failures = stream.consecutiveFailures + 1;
    // Exponential with full jitter between half and one and a half times the step; Retry-After wins.
    const delay = outcome.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 16)) * (0.5 + Math.random());
    const now = new Date();
    await this.streams.backOff(em, stream.id, this.owner, outcome.reason, now, new Date(now.getTime() + delay));
    this.logger.warn(`stream ${stream.id}: delivery failed (${outcome.reason.slice(0, 200)}); next attempt in ${Math.round(delay / 1000)} s`);
  }

  private async recordRejection(em: EntityManager, stream: LeasedStream, seq: number, outcome: Extract<PushOutcome, { kind: 'rejected' }>): Promise<void> {
    const now = new Date();
    const jti = jtiOf(stream.id, seq);
    await this.streams.recordFailure(em, { streamId: stream.id, seq, jti, err: outcome.err, description: outcome.description, at: now });
    await this.streams.noteError(em, stream.id, `SET ${jti} rejected: ${outcome.err}${outcome.description ? ` (${outcome.description})` : ''}`, now);
  }
}
