import { securityEventClaims, type SetClaims, type StreamProfile } from '@roster/scim-core';
import type { SequencedChange } from './provisioning-events.repository';

/** A SET's jti names its stream and the tenant sequence number, so a redelivery repeats it exactly. */
export function jtiOf(streamId: string, seq: number): string {
  return `${streamId}.${seq}`;
}

/** The sequence number a jti of this stream stands for; undefined for another stream's or a malformed one. */
export function seqOfJti(streamId: string, jti: string): number | undefined {
  if (!jti.startsWith(`${streamId}.`)) return undefined;
  const seq = Number(jti.slice(streamId.length + 1));
  return Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
}

/** The stream's SET claims for a change, or undefined when it subscribed to none of its events. */
export function claimsFor(change: SequencedChange, streamId: string, profile: StreamProfile, issuer: string): SetClaims | undefined {
  return securityEventClaims(change, profile, jtiOf(streamId, change.seq), issuer);
}
