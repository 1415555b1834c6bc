import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { parsePollRequest, ScimError, type PollRequest } from '@roster/scim-core';
import { isUuid } from '../shared/ids';
import { hashesEqual, hashToken } from '../tokens/token-secret';
import { EventSignals } from './event-signals';
import { EventStreamsRepository, type StreamState } from './event-streams.repository';
import { eventIssuer } from './issuer';
import { ProvisioningEventsRepository } from './provisioning-events.repository';
import { claimsFor, jtiOf, seqOfJti } from './set-identity';
import { SigningKeys } from './signing-keys';

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
    private readonly streams: EventStreamsRepository,
    private readonly events: ProvisioningEventsRepository,
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
    const stream = isUuid(streamId) ? await this.streams.read(this.em.fork(), streamId.toLowerCase(), 'live-poll') : undefined;
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
      const locked = await this.streams.lockPosition(em, stream.id);
      if (locked === undefined) return;
      // Read in the same transaction: a change that commits later takes a number above this one.
      const issued = await this.events.lastSeq(em, stream.tenantId);
      for (const item of valid) if (item.seq > issued) ignored.push(item.jti);
      const acked = new Set(valid.filter((item) => item.seq <= issued).map((item) => item.seq));
      const errors = valid.flatMap((item) => (item.error && item.seq <= issued ? [{ seq: item.seq, jti: item.jti, ...item.error }] : []));
      let position = locked;
      const fresh = [...acked].filter((seq) => seq > position);
      await this.streams.addAcks(em, stream.id, fresh);
      for (const error of errors.filter((e) => e.seq > position))
        await this.streams.recordFailure(em, { streamId: stream.id, seq: error.seq, jti: error.jti, err: error.err, description: error.description, at: now });
      position = await this.closeGap(em, stream, position);
      await this.streams.forgetAcksUpTo(em, stream.id, position);
      await this.streams.saveAcknowledged(em, stream.id, { position, delivered: fresh.length - errors.length, failed: errors.length, at: now });
      if (errors.length) {
        const [first] = errors;
        await this.streams.noteError(
          em,
          stream.id,
          `SET ${first.jti} reported by the receiver: ${first.err}${first.description ? ` (${first.description})` : ''}`,
          now,
        );
      }
      stream.position = position;
    });
    return [...new Set(ignored)];
  }

  /** Moves the position over every change that is acknowledged or that the stream does not carry. */
  private async closeGap(em: EntityManager, stream: StreamState, position: number): Promise<number> {
    const issuer = eventIssuer(this.config);
    for (;;) {
      const changes = await this.events.changesAfter(em, stream.tenantId, position, SCAN);
      if (!changes.length) return position;
      const acked = await this.streams.ackedAmong(
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
      const changes = await this.events.changesAfter(em, stream.tenantId, after, SCAN);
      if (!changes.length) return { sets, moreAvailable: false };
      const acked = await this.streams.ackedAmong(
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
}
