import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { MigrationRunner } from '@roster/platform';
import { fromSql, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import { EventSignals } from './event-signals';
import { eventIssuer } from './issuer';
import { PushClient, type PushOutcome } from './push-client';
import { SigningKeys } from './signing-keys';
import { changesAfter, claimsFor, jtiOf, readStream, type SequencedChange, type StreamState } from './stream-feed';

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
    const now = sqlTime(em, new Date());
    // A deleted tenant's streams stop with it (TenantsService.delete).
    const tenants = await runSql<{ tenant_id: string }>(
      em,
      `SELECT DISTINCT s.tenant_id AS tenant_id FROM event_streams s JOIN tenants t ON t.id = s.tenant_id
        WHERE s.delivery = 'push' AND s.status = 'active' AND t.deleted_at IS NULL`,
    );
    this.pushTenants = new Set(tenants.map((row) => String(row.tenant_id)));
    if (!this.pushTenants.size) return 0;
    let started = 0;
    const due = await runSql<{ id: string; lease_owner: string | null; lease_until: unknown }>(
      em,
      `SELECT s.id AS id, s.lease_owner AS lease_owner, s.lease_until AS lease_until FROM event_streams s JOIN event_sequences q ON q.tenant_id = s.tenant_id
         JOIN tenants t ON t.id = s.tenant_id AND t.deleted_at IS NULL
        WHERE s.delivery = 'push' AND s.status = 'active' AND s.position < q.last_seq
          AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= ?)
          AND (s.lease_until IS NULL OR s.lease_until < ? OR s.lease_owner LIKE ?)
        ORDER BY s.created_at LIMIT ?`,
      [now, now, `${hostname()}:%`, MAX_PARALLEL_STREAMS * 2],
    );
    for (const { id, lease_owner: owner, lease_until: until } of due) {
      if (owner && owner !== this.owner && until !== null && fromSql.time(until).getTime() > Date.now()) {
        if (!isDeadLocalOwner(owner, this.owner)) continue;
        // Its holder crashed on this host (kill -9, container restart): take the stream over now.
        await runSqlWrite(em, 'UPDATE event_streams SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [id, owner]);
      }
      if (this.delivering.size >= MAX_PARALLEL_STREAMS) break;
      if (this.delivering.has(String(id))) continue;
      this.delivering.add(String(id));
      started++;
      void this.deliver(String(id))
        .catch((error: unknown) => this.logger.error(`delivery of stream ${id} failed: ${String(error)}`))
        .finally(() => {
          this.delivering.delete(String(id));
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
        const changes = await changesAfter(em, stream.tenantId, position, BATCH);
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
      await runSqlWrite(em, 'UPDATE event_streams SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [streamId, this.owner]);
    }
  }

  private async send(stream: LeasedStream, change: SequencedChange, issuer: string): Promise<PushOutcome | { kind: 'skipped' }> {
    const claims = claimsFor(change, stream.id, stream, issuer);
    if (!claims) return { kind: 'skipped' };
    return this.client.push(stream.endpointUrl, stream.authorizationHeader, await this.keys.sign(claims));
  }

  private async lease(em: EntityManager, streamId: string): Promise<LeasedStream | undefined> {
    const now = new Date();
    const taken = await runSqlWrite(
      em,
      `UPDATE event_streams SET lease_owner = ?, lease_until = ?
        WHERE id = ? AND delivery = 'push' AND status = 'active' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)`,
      [this.owner, sqlTime(em, new Date(now.getTime() + LEASE_MS)), streamId, sqlTime(em, now), this.owner],
    );
    if (!taken) return undefined;
    const stream = await readStream(em, streamId);
    return stream?.endpointUrl ? { ...stream, endpointUrl: stream.endpointUrl } : undefined;
  }

  /** Saves the position and renews the lease; false when the lease was lost or the stream paused or deleted. */
  private async save(em: EntityManager, stream: LeasedStream, position: number, progress: { delivered: number; failed: number }): Promise<boolean> {
    const now = new Date();
    const success = progress.delivered > 0;
    const saved = await runSqlWrite(
      em,
      `UPDATE event_streams SET position = ?, delivered_count = delivered_count + ?, failed_count = failed_count + ?,
              consecutive_failures = ${success ? '0' : 'consecutive_failures'}, next_attempt_at = NULL,
              last_success_at = ${success ? '?' : 'last_success_at'}, lease_until = ?
        WHERE id = ? AND lease_owner = ? AND status = 'active' AND tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL)`,
      [
        position,
        progress.delivered,
        progress.failed,
        ...(success ? [sqlTime(em, now)] : []),
        sqlTime(em, new Date(now.getTime() + LEASE_MS)),
        stream.id,
        this.owner,
      ],
    );
    return saved > 0;
  }

  private async backOff(em: EntityManager, stream: LeasedStream, outcome: Extract<PushOutcome, { kind: 'retry' }>): Promise<void> {
    const failures = stream.consecutiveFailures + 1;
    // Exponential with full jitter between half and one and a half times the step; Retry-After wins.
    const delay = outcome.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 16)) * (0.5 + Math.random());
    const now = new Date();
    await runSqlWrite(
      em,
      `UPDATE event_streams SET consecutive_failures = consecutive_failures + 1, last_error = ?, last_error_at = ?, next_attempt_at = ?
        WHERE id = ? AND lease_owner = ?`,
      [outcome.reason.slice(0, 2000), sqlTime(em, now), sqlTime(em, new Date(now.getTime() + delay)), stream.id, this.owner],
    );
    this.logger.warn(`stream ${stream.id}: delivery failed (${outcome.reason.slice(0, 200)}); next attempt in ${Math.round(delay / 1000)} s`);
  }

  private async recordRejection(em: EntityManager, stream: LeasedStream, seq: number, outcome: Extract<PushOutcome, { kind: 'rejected' }>): Promise<void> {
    const now = new Date();
    await runSqlWrite(
      em,
      `INSERT INTO event_failures (stream_id, seq, jti, err, description, failed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id, seq) DO NOTHING`,
      [stream.id, seq, jtiOf(stream.id, seq), outcome.err, outcome.description, sqlTime(em, now)],
    );
    await runSqlWrite(em, 'UPDATE event_streams SET last_error = ?, last_error_at = ? WHERE id = ?', [
      `SET ${jtiOf(stream.id, seq)} rejected: ${outcome.err}${outcome.description ? ` (${outcome.description})` : ''}`.slice(0, 2000),
      sqlTime(em, now),
      stream.id,
    ]);
  }
}
