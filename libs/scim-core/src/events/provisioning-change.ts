import type { JsonObject } from '../resource/json';
import { eventUri, type ChangeKind, type EventFormat } from './event-types';

/** One committed change to a user or group, as the outbox keeps it: what every stream's SET is built from. */
export interface ProvisioningChange {
  /** RFC 9967 `txn`: one value per change, the same in every stream. */
  txn: string;
  resourceType: 'User' | 'Group';
  resourceId: string;
  externalId: string | null;
  /** The primary kind first (create, put, patch or delete), then activate or deactivate when `active` changed. */
  kinds: ChangeKind[];
  /** The resource's ETag after the change; absent for a delete. */
  version: string | null;
  /** The resource as a SCIM GET returns it after the change; absent for a delete. */
  data: JsonObject | null;
  /** The attribute paths the change touched (RFC 7644 path syntax). */
  attributes: string[];
  occurredAt: Date;
}

export interface StreamProfile {
  format: EventFormat;
  /** The event URIs the stream subscribed to. */
  events: readonly string[];
  audience: string;
}

export interface SetClaims {
  jti: string;
  iat: number;
  iss: string;
  aud: string;
  txn: string;
  sub_id: { format: 'scim'; uri: string; id: string; externalId?: string };
  events: Record<string, JsonObject>;
}

/**
 * The RFC 9967 SET claims of a change for one stream, or undefined when the stream subscribed to none of
 * its events. The claims depend only on the change and the stream, so a redelivery repeats them exactly.
 */
export function securityEventClaims(change: ProvisioningChange, stream: StreamProfile, jti: string, issuer: string): SetClaims | undefined {
  const events: Record<string, JsonObject> = {};
  for (const kind of change.kinds) {
    const uri = eventUri(kind, stream.format);
    if (stream.events.includes(uri)) events[uri] = payloadOf(kind, change, stream.format);
  }
  if (!Object.keys(events).length) return undefined;
  const path = change.resourceType === 'User' ? 'Users' : 'Groups';
  return {
    jti,
    iat: Math.floor(change.occurredAt.getTime() / 1000),
    iss: issuer,
    aud: stream.audience,
    txn: change.txn,
    sub_id: { format: 'scim', uri: `/${path}/${change.resourceId}`, id: change.resourceId, ...(change.externalId ? { externalId: change.externalId } : {}) },
    events,
  };
}

// create/put/patch carry the version and either the data or the changed attributes; the others are empty (RFC 9967 §2.4).
function payloadOf(kind: ChangeKind, change: ProvisioningChange, format: EventFormat): JsonObject {
  if (kind !== 'create' && kind !== 'put' && kind !== 'patch') return {};
  const version = change.version ? { version: change.version } : {};
  return format === 'full' ? { ...version, data: change.data ?? {} } : { ...version, attributes: change.attributes };
}
