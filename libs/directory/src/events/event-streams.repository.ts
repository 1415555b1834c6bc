import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { StreamProfile } from '@roster/scim-core';
import { dialectOf, fromSql, limitClause, placeholders, runSql, runSqlWrite, sqlTime } from '../shared/sql';

/** A stream as delivery reads it: what the push and poll paths both need. */
export interface StreamState extends StreamProfile {
  id: string;
  tenantId: string;
  status: string;
  position: number;
  endpointUrl: string | null;
  authorizationHeader: string | null;
  pollTokenHash: string | null;
  consecutiveFailures: number;
}

/** A SET the receiver refused for good (RFC 8935 400, RFC 8936 setErrs): recorded once, never sent again. */
export interface DeliveryFailure {
  streamId: string;
  seq: number;
  jti: string;
  err: string;
  description: string | null;
  at: Date;
}

/** What a stretch of delivery achieved, saved with the stream's new position. */
export interface DeliveryProgress {
  position: number;
  delivered: number;
  failed: number;
  at: Date;
}

/** A push stream that may be due, with its lease as it stood. */
export interface DueStream {
  id: string;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

// A deleted tenant's streams answer as if they did not exist and stop delivering (TenantsService.delete).
const LIVE_TENANT = 'tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL)';

/**
 * The SQL of delivery: `event_streams` (position, lease, health), `event_acks` (acknowledgements beyond the
 * acknowledged prefix) and `event_failures`. The admin API edits streams as entities; delivery changes them
 * here, with statements whose WHERE clauses carry the lease and status checks that make them safe to race.
 */
@Injectable()
export class EventStreamsRepository {
  /** One stream, or undefined; `poll` narrows it to live poll streams (what a poll may authenticate against). */
  async read(em: EntityManager, streamId: string, only?: 'live-poll'): Promise<StreamState | undefined> {
    const where = only === 'live-poll' ? ` AND delivery = 'poll' AND ${LIVE_TENANT}` : '';
    const [row] = await runSql(em, `SELECT * FROM event_streams WHERE id = ?${where}`, [streamId]);
    if (!row) return undefined;
    return {
      id: String(row.id),
      tenantId: String(row.tenant_id),
      status: String(row.status),
      position: Number(row.position),
      format: row.format as StreamProfile['format'],
      events: fromSql.json<string[]>(row.events),
      audience: String(row.audience),
      endpointUrl: (row.endpoint_url as string | null) ?? null,
      authorizationHeader: (row.authorization_header as string | null) ?? null,
      pollTokenHash: (row.poll_token_hash as string | null) ?? null,
      consecutiveFailures: Number(row.consecutive_failures),
    };
  }

  /** The stream's position, locked until the transaction ends (PostgreSQL; SQLite has one writer). */
  async lockPosition(em: EntityManager, streamId: string): Promise<number | undefined> {
    const [row] = await runSql(em, `SELECT position FROM event_streams WHERE id = ?${dialectOf(em) === 'postgresql' ? ' FOR UPDATE' : ''}`, [streamId]);
    return row ? Number(row.position) : undefined;
  }

  async countOf(em: EntityManager, tenantId: string): Promise<number> {
    const [{ n }] = await runSql<{ n: number | string }>(em, 'SELECT COUNT(*) AS n FROM event_streams WHERE tenant_id = ?', [tenantId]);
    return Number(n);
  }

  /** The tenant's streams with what health reports of them, oldest first. */
  async healthOf(
    em: EntityManager,
    tenantId: string,
  ): Promise<{ id: string; status: string; position: number; consecutiveFailures: number; lastError: string | null }[]> {
    const rows = await runSql(em, 'SELECT id, status, position, consecutive_failures, last_error FROM event_streams WHERE tenant_id = ? ORDER BY created_at', [
      tenantId,
    ]);
    return rows.map((row) => ({
      id: String(row.id),
      status: String(row.status),
      position: Number(row.position),
      consecutiveFailures: Number(row.consecutive_failures),
      lastError: (row.last_error as string | null) ?? null,
    }));
  }

  async addAcks(em: EntityManager, streamId: string, seqs: number[]): Promise<void> {
    for (let i = 0; i < seqs.length; i += 500) {
      const batch = seqs.slice(i, i + 500);
      await runSqlWrite(
        em,
        `INSERT INTO event_acks (stream_id, seq) VALUES ${batch.map(() => '(?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
        batch.flatMap((seq) => [streamId, seq]),
      );
    }
  }

  async ackedAmong(em: EntityManager, streamId: string, seqs: number[]): Promise<Set<number>> {
    if (!seqs.length) return new Set();
    const rows = await runSql<{ seq: number | string }>(em, `SELECT seq FROM event_acks WHERE stream_id = ? AND seq IN (${placeholders(seqs)})`, [
      streamId,
      ...seqs,
    ]);
    return new Set(rows.map((row) => Number(row.seq)));
  }

  /** Acknowledgements at or behind the position are part of the prefix now. */
  async forgetAcksUpTo(em: EntityManager, streamId: string, position: number): Promise<void> {
    await runSqlWrite(em, 'DELETE FROM event_acks WHERE stream_id = ? AND seq <= ?', [streamId, position]);
  }

  /** A deleted stream's acknowledgements and failures go with it. */
  async forgetDelivery(em: EntityManager, streamId: string): Promise<void> {
    await runSqlWrite(em, 'DELETE FROM event_acks WHERE stream_id = ?', [streamId]);
    await runSqlWrite(em, 'DELETE FROM event_failures WHERE stream_id = ?', [streamId]);
  }

  /** Records a failure, once per SET. */
  async recordFailure(em: EntityManager, failure: DeliveryFailure): Promise<void> {
    await runSqlWrite(
      em,
      `INSERT INTO event_failures (stream_id, seq, jti, err, description, failed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id, seq) DO NOTHING`,
      [failure.streamId, failure.seq, failure.jti, failure.err, failure.description, sqlTime(em, failure.at)],
    );
  }

  /** What the stream's health shows as its last error. */
  async noteError(em: EntityManager, streamId: string, message: string, at: Date): Promise<void> {
    await runSqlWrite(em, 'UPDATE event_streams SET last_error = ?, last_error_at = ? WHERE id = ?', [message.slice(0, 2000), sqlTime(em, at), streamId]);
  }

  /** A poll's acknowledgements moved the position: saved with the counts (the receiver answered: a success). */
  async saveAcknowledged(em: EntityManager, streamId: string, progress: DeliveryProgress): Promise<void> {
    await runSqlWrite(
      em,
      `UPDATE event_streams SET position = ?, delivered_count = delivered_count + ?, failed_count = failed_count + ?, last_success_at = ? WHERE id = ?`,
      [progress.position, progress.delivered, progress.failed, sqlTime(em, progress.at), streamId],
    );
  }

  /** Tenants with an active push stream. */
  async pushTenants(em: EntityManager): Promise<string[]> {
    const rows = await runSql<{ tenant_id: string }>(
      em,
      `SELECT DISTINCT s.tenant_id AS tenant_id FROM event_streams s JOIN tenants t ON t.id = s.tenant_id
        WHERE s.delivery = 'push' AND s.status = 'active' AND t.deleted_at IS NULL`,
    );
    return rows.map((row) => String(row.tenant_id));
  }

  /**
   * Active push streams with changes past their position, not backing off, and whose lease is free, expired,
   * or held by a process of `host` (which may have died: the caller checks); oldest streams first.
   */
  async duePushStreams(em: EntityManager, now: Date, host: string, limit: number): Promise<DueStream[]> {
    const at = sqlTime(em, now);
    const rows = await runSql<{ id: string; lease_owner: string | null; lease_until: unknown }>(
      em,
      `SELECT s.id AS id, s.lease_owner AS lease_owner, s.lease_until AS lease_until FROM event_streams s JOIN event_sequences q ON q.tenant_id = s.tenant_id
         JOIN tenants t ON t.id = s.tenant_id AND t.deleted_at IS NULL
        WHERE s.delivery = 'push' AND s.status = 'active' AND s.position < q.last_seq
          AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= ?)
          AND (s.lease_until IS NULL OR s.lease_until < ? OR s.lease_owner LIKE ?)
        ORDER BY s.created_at ${limitClause(limit)}`,
      [at, at, `${host}:%`],
    );
    return rows.map((row) => ({
      id: String(row.id),
      leaseOwner: row.lease_owner,
      leaseUntil: row.lease_until === null || row.lease_until === undefined ? null : fromSql.time(row.lease_until),
    }));
  }

  /** Takes the lease of an active push stream if it is free, expired or already ours; whether it was taken. */
  async takeLease(em: EntityManager, streamId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const taken = await runSqlWrite(
      em,
      `UPDATE event_streams SET lease_owner = ?, lease_until = ?
        WHERE id = ? AND delivery = 'push' AND status = 'active' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)`,
      [owner, sqlTime(em, until), streamId, sqlTime(em, now), owner],
    );
    return taken > 0;
  }

  async releaseLease(em: EntityManager, streamId: string, owner: string): Promise<void> {
    await runSqlWrite(em, 'UPDATE event_streams SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?', [streamId, owner]);
  }

  /**
   * Saves pushed progress and renews the lease; false when the lease was lost or the stream was paused,
   * deleted or its tenant deleted meanwhile (the caller stops).
   */
  async savePushed(em: EntityManager, streamId: string, owner: string, progress: DeliveryProgress, leaseUntil: Date): Promise<boolean> {
    const success = progress.delivered > 0;
    const saved = await runSqlWrite(
      em,
      `UPDATE event_streams SET position = ?, delivered_count = delivered_count + ?, failed_count = failed_count + ?,
              consecutive_failures = ${success ? '0' : 'consecutive_failures'}, next_attempt_at = NULL,
              last_success_at = ${success ? '?' : 'last_success_at'}, lease_until = ?
        WHERE id = ? AND lease_owner = ? AND status = 'active' AND ${LIVE_TENANT}`,
      [progress.position, progress.delivered, progress.failed, ...(success ? [sqlTime(em, progress.at)] : []), sqlTime(em, leaseUntil), streamId, owner],
    );
    return saved > 0;
  }

  /** The receiver failed: one more consecutive failure, and no attempt before `nextAttemptAt`. */
  async backOff(em: EntityManager, streamId: string, owner: string, reason: string, now: Date, nextAttemptAt: Date): Promise<void> {
    await runSqlWrite(
      em,
      `UPDATE event_streams SET consecutive_failures = consecutive_failures + 1, last_error = ?, last_error_at = ?, next_attempt_at = ?
        WHERE id = ? AND lease_owner = ?`,
      [reason.slice(0, 2000), sqlTime(em, now), sqlTime(em, nextAttemptAt), streamId, owner],
    );
  }
}
