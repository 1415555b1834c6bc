import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { parsePollRequest, ScimError, type PollRequest } from '@roster/scim-core';
import { isUuid } from '../shared/ids';
import { dialectOf, placeholders, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import { hashesEqual, hashToken } from '../tokens/token-secret';
import { EventSignals } from './event-signals';
import { eventIssuer } from './issuer';
import { SigningKeys } from './signing-keys';
import { changesAfter, claimsFor, jtiOf, lastSeq, readStream, seqOfJti, type StreamState } from './stream-feed';

/** RFC 8936 §2.4: how long a poll with returnImmediately=false waits for an event. */
export const LONG_POLL_MS = 30_000;
// Other processes' commits are noticed by looking again this often while waiting.
const RECHECK_MS = 500;
const SCAN = 500;

export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable: boolean;
  /**
   * Acknowledgements (and setErrs) that named no SET this stream has issued (a sequence number no change has
   * taken yet, or another stream's jti): they changed nothing, so that no future change is ever skipped.
   * Present only when there were such.
   */
  ignoredAcks?: string[];
}

/**
 * Poll delivery (RFC 8936). `position` is the stream's acknowledged prefix; acknowledgements beyond it
 * wait in event_acks until the gap before them closes. A poll returns the oldest SETs not yet
 * acknowledged, so a SET that is never acknowledged is delivered again, with the same jti.
 */
@Injectable()
export class EventPollService {
  constructor(
    private readonly em: EntityManager,
    private readonly keys: SigningKeys,
    private readonly signals: EventSignals,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async poll(streamId: string, authorization: string | undefined, body: unknown, abort?: AbortSignal): Promise<PollResponse> {
    const stream = await this.authenticate(streamId, authorization);
    const request = parsePollRequest(body);
    const ignored = request.ack.length || Object.keys(request.setErrs).length ? await this.acknowledge(stream, request) : [];
    const report = ignored.length ? { ignoredAcks: ignored } : {};
    if (request.maxEvents === 0 || stream.status !== 'active') return { sets: {}, moreAvailable: false, ...report };
    const deadline = Date.now() + LONG_POLL_MS;
    for (;;) {
      const found = await this.pending(stream, request.maxEvents);
      if (Object.keys(found.sets).length || request.returnImmediately || Date.now() >= deadline || abort?.aborted) return { ...found, ...report };
      await this.signals.waitFor(stream.tenantId, Math.min(RECHECK_MS, deadline - Date.now()), abort);
    }
  }

  private async authenticate(streamId: string, authorization: string | undefined): Promise<StreamState> {
    const token = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw ScimError.unauthorized('Send the stream\'s poll token as "Authorization: Bearer <token>"');
    // A deleted tenant's streams answer as if they did not exist (TenantsService.delete).
    const live = "delivery = 'poll' AND tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL)";
    const stream = isUuid(streamId) ? await readStream(this.em.fork(), streamId.toLowerCase(), live) : undefined;
    if (!stream?.pollTokenHash || !hashesEqual(stream.pollTokenHash, hashToken(token)))
      throw ScimError.unauthorized('The poll token is not valid for this stream');
    return stream;
  }

  /**
   * Records acks and setErrs (an error is final: recorded and not sent again), then closes the gap. Returns
   * the jtis that name no SET this stream has issued: those of other streams, and those past the tenant's
   * last sequence number, which a change committed later would take (acknowledged now, it would never be
   * delivered). Acks of SETs already behind the stream's position are simply done.
   */
  private async acknowledge(stream: StreamState, request: PollRequest): Promise<string[]> {
    const named = [...request.ack.map((jti) => ({ jti, error: undefined })), ...Object.entries(request.setErrs).map(([jti, error]) => ({ jti, error }))];
    const ignored: string[] = [];
    const valid = named.flatMap((item) => {
      const seq = seqOfJti(stream.id, item.jti);
      if (seq === undefined) ignored.push(item.jti);
      return seq !== undefined && seq > stream.position ? [{ ...item, seq }] : [];
    });
    if (!valid.length) return ignored;
    const now = new Date();
    await this.em.fork().transactional(async (em) => {
      const [row] = await runSql(em, `SELECT position FROM event_streams WHERE id = ?${dialectOf(em) === 'postgresql' ? ' FOR UPDATE' : ''}`, [stream.id]);
      if (!row) return;
      // Read in the same transaction: a change that commits later takes a number above this one.
      const issued = await lastSeq(em, stream.tenantId);
      for (const item of valid) if (item.seq > issued) ignored.push(item.jti);
      const acked = new Set(valid.filter((item) => item.seq <= issued).map((item) => item.seq));
      const errors = valid.flatMap((item) => (item.error && item.seq <= issued ? [{ seq: item.seq, jti: item.jti, ...item.error }] : []));
      let position = Number(row.position);
      const fresh = [...acked].filter((seq) => seq > position);
      for (let i = 0; i < fresh.length; i += 500) {
        const batch = fresh.slice(i, i + 500);
        await runSqlWrite(
          em,
          `INSERT INTO event_acks (stream_id, seq) VALUES ${batch.map(() => '(?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
          batch.flatMap((seq) => [stream.id, seq]),
        );
      }
      for (const error of errors.filter((e) => e.seq > position)) {
        await runSqlWrite(
          em,
          'INSERT INTO event_failures (stream_id, seq, jti, err, description, failed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (stream_id, seq) DO NOTHING',
          [stream.id, error.seq, error.jti, error.err, error.description, sqlTime(em, now)],
        );
      }
      position = await this.closeGap(em, stream, position);
      await runSqlWrite(em, 'DELETE FROM event_acks WHERE stream_id = ? AND seq <= ?', [stream.id, position]);
      const lastError = errors.length
        ? `SET ${errors[0].jti} reported by the receiver: ${errors[0].err}${errors[0].description ? ` (${errors[0].description})` : ''}`.slice(0, 2000)
        : null;
      await runSqlWrite(
        em,
        `UPDATE event_streams SET position = ?, delivered_count = delivered_count + ?, failed_count = failed_count + ?, last_success_at = ?,
                last_error = COALESCE(?, last_error), last_error_at = ${errors.length ? '?' : 'last_error_at'} WHERE id = ?`,
        [position, fresh.length - errors.length, errors.length, sqlTime(em, now), lastError, ...(errors.length ? [sqlTime(em, now)] : []), stream.id],
      );
      stream.position = position;
    });
    return [...new Set(ignored)];
  }

  /** Moves the position over every change that is acknowledged or that the stream does not carry. */
  private async closeGap(em: EntityManager, stream: StreamState, position: number): Promise<number> {
    const issuer = eventIssuer(this.config);
    for (;;) {
      const changes = await changesAfter(em, stream.tenantId, position, SCAN);
      if (!changes.length) return position;
      const acked = await this.ackedAmong(
        em,
        stream.id,
        changes.map((c) => c.seq),
      );
      for (const change of changes) {
        if (!acked.has(change.seq) && claimsFor(change, stream.id, stream, issuer)) return position;
        position = change.seq;
      }
    }
  }

  /** The oldest SETs not yet acknowledged, signed, and whether more are waiting. */
  private async pending(stream: StreamState, max: number): Promise<PollResponse> {
    const em = this.em.fork();
    const issuer = eventIssuer(this.config);
    const sets: Record<string, string> = {};
    let count = 0;
    let after = stream.position;
    for (;;) {
      const changes = await changesAfter(em, stream.tenantId, after, SCAN);
      if (!changes.length) return { sets, moreAvailable: false };
      const acked = await this.ackedAmong(
        em,
        stream.id,
        changes.map((c) => c.seq),
      );
      for (const change of changes) {
        after = change.seq;
        if (acked.has(change.seq)) continue;
        const claims = claimsFor(change, stream.id, stream, issuer);
        if (!claims) continue;
        if (count === max) return { sets, moreAvailable: true };
        sets[jtiOf(stream.id, change.seq)] = await this.keys.sign(claims);
        count++;
      }
    }
  }

  private async ackedAmong(em: EntityManager, streamId: string, seqs: number[]): Promise<Set<number>> {
    if (!seqs.length) return new Set();
    const rows = await runSql<{ seq: number | string }>(em, `SELECT seq FROM event_acks WHERE stream_id = ? AND seq IN (${placeholders(seqs)})`, [
      streamId,
      ...seqs,
    ]);
    return new Set(rows.map((row) => Number(row.seq)));
  }
}
