import type { EntityManager } from '@mikro-orm/core';
import { securityEventClaims, type ChangeKind, type JsonObject, type ProvisioningChange, type SetClaims, type StreamProfile } from '@roster/scim-core';
import { fromSql, runSql, runSqlWrite, sqlTime } from '../shared/sql';

export interface SequencedChange extends ProvisioningChange {
  seq: number;
}

/** A stream as delivery reads it (event_streams, by hand-written SQL): what the push and poll paths both need. */
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

/** One stream's row, or undefined; `where` narrows it further (for example to one delivery method). */
export async function readStream(em: EntityManager, streamId: string, where = ''): Promise<StreamState | undefined> {
  const [row] = await runSql(em, `SELECT * FROM event_streams WHERE id = ?${where ? ` AND ${where}` : ''}`, [streamId]);
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

/** The tenant's changes after `afterSeq`, in commit order. */
export async function changesAfter(em: EntityManager, tenantId: string, afterSeq: number, limit: number): Promise<SequencedChange[]> {
  const rows = await runSql(
    em,
    `SELECT seq, txn, resource_type, resource_id, external_id, kinds, version, data, attributes, occurred_at
       FROM provisioning_events WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    [tenantId, afterSeq, limit],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    txn: String(row.txn),
    resourceType: row.resource_type as 'User' | 'Group',
    resourceId: String(row.resource_id),
    externalId: (row.external_id as string | null) ?? null,
    kinds: String(row.kinds).split(',') as ChangeKind[],
    version: (row.version as string | null) ?? null,
    data: row.data === null ? null : fromSql.json<JsonObject>(row.data),
    attributes: fromSql.json<string[]>(row.attributes),
    occurredAt: fromSql.time(row.occurred_at),
  }));
}

/** The stream's SET claims for a change, or undefined when it subscribed to none of its events. */
export function claimsFor(change: SequencedChange, streamId: string, profile: StreamProfile, issuer: string): SetClaims | undefined {
  return securityEventClaims(change, profile, jtiOf(streamId, change.seq), issuer);
}

/** The tenant's last sequence number (what a new stream starts after). */
export async function lastSeq(em: EntityManager, tenantId: string): Promise<number> {
  const rows = await runSql<{ last_seq: number | string }>(em, 'SELECT last_seq FROM event_sequences WHERE tenant_id = ?', [tenantId]);
  return rows.length ? Number(rows[0].last_seq) : 0;
}

/** How far behind a stream is: the number of changes after its position and the oldest one's time. */
export async function backlogOf(em: EntityManager, tenantId: string, position: number): Promise<{ size: number; oldest: Date | null }> {
  const rows = await runSql(em, 'SELECT COUNT(*) AS size, MIN(occurred_at) AS oldest FROM provisioning_events WHERE tenant_id = ? AND seq > ?', [
    tenantId,
    position,
  ]);
  const oldest = rows[0]?.oldest;
  return { size: Number(rows[0]?.size ?? 0), oldest: oldest === null || oldest === undefined ? null : fromSql.time(oldest) };
}

/** Deletes changes every stream of the tenant is past and that are older than the retention; the nightly job calls it. */
export function pruneDelivered(em: EntityManager, before: Date): Promise<number> {
  return runSqlWrite(
    em,
    `DELETE FROM provisioning_events
      WHERE occurred_at < ? AND NOT EXISTS (SELECT 1 FROM event_streams s WHERE s.tenant_id = provisioning_events.tenant_id AND s.position < provisioning_events.seq)`,
    [sqlTime(em, before)],
  );
}

/** Over every stream: changes after their positions (an upper bound: unsubscribed events count too), and failing streams. */
export async function eventDeliveryFigures(em: EntityManager): Promise<{ backlog: number; failing: number }> {
  const [row] = await runSql(
    em,
    `SELECT COALESCE(SUM(q.last_seq - s.position), 0) AS backlog, COALESCE(SUM(CASE WHEN s.consecutive_failures > 0 THEN 1 ELSE 0 END), 0) AS failing
       FROM event_streams s JOIN event_sequences q ON q.tenant_id = s.tenant_id`,
  );
  return { backlog: Number(row?.backlog ?? 0), failing: Number(row?.failing ?? 0) };
}
