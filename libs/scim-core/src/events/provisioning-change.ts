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
    if (stream.events.includes(uri)) events[uri] = payloadOf(kind, change, stream.format, issuer);
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
function payloadOf(kind: ChangeKind, change: ProvisioningChange, format: EventFormat, issuer: string): JsonObject {
  if (kind !== 'create' && kind !== 'put' && kind !== 'patch') return {};
  const version = change.version ? { version: change.version } : {};
  return format === 'full' ? { ...version, data: change.data ? withIssuerOrigin(change.data, issuer) : {} } : { ...version, attributes: change.attributes };
}

/**
 * The resource with its SCIM URLs (meta.location, members' and groups' $ref, manager's $ref) on the issuer's
 * origin, so that one SET names one origin. They were rendered for the request that made the change, whose
 * origin is the issuer's when ROSTER_PUBLIC_URL is set; without it, the request's host (127.0.0.1:3000, say)
 * and the issuer (http://localhost:3000) differ.
 */
export function withIssuerOrigin(data: JsonObject, issuer: string): JsonObject {
  const location = (data.meta as { location?: unknown } | undefined)?.location;
  if (typeof location !== 'string') return data;
  let from: string;
  let to: string;
  try {
    from = `${new URL(location).origin}/scim/v2/`;
    to = `${new URL(issuer).origin}/scim/v2/`;
  } catch {
    return data;
  }
  if (from === to) return data;
  const rebase = (value: unknown): unknown => {
    if (typeof value === 'string') return value.startsWith(from) ? to + value.slice(from.length) : value;
    if (Array.isArray(value)) return value.map(rebase);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rebase(item)]));
    return value;
  };
  return rebase(data) as JsonObject;
}
