import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { ChangeKind, JsonObject, ProvisioningChange } from '@roster/scim-core';
import { dialectOf, fromSql, limitClause, runSql, runSqlWrite, sqlJson, sqlTime } from '../shared/sql';
import { EVENTS_CHANNEL } from './event-signals';

export interface SequencedChange extends ProvisioningChange {
  seq: number;
}

/** A change as the outbox stores it: its data already computed; its sequence number and time given on append. */
export type ChangeRow = Omit<ProvisioningChange, 'occurredAt'>;

/**
 * The SQL of the event log: `provisioning_events`, a tenant's changes in commit order, and `event_sequences`,
 * each tenant's last sequence number and how many streams it has (a tenant without streams records nothing).
 */
@Injectable()
export class ProvisioningEventsRepository {
  /**
   * Takes `count` sequence numbers for the tenant, locking its row until the transaction ends (numbers are
   * handed out in commit order); the first of them, or undefined when the tenant has no stream. On
   * PostgreSQL the same statement tells the other processes (EventSignals), at commit and only then.
   */
  async takeSequenceNumbers(em: EntityManager, tenantId: string, count: number): Promise<number | undefined> {
    const notify = dialectOf(em) === 'postgresql' ? `, pg_notify('${EVENTS_CHANNEL}', tenant_id::text)` : '';
    const rows = await runSql<{ last_seq: number | string }>(
      em,
      `UPDATE event_sequences SET last_seq = last_seq + ? WHERE tenant_id = ? AND streams > 0 RETURNING last_seq${notify}`,
      [count, tenantId],
    );
    return rows.length ? Number(rows[0].last_seq) - count + 1 : undefined;
  }

  async append(em: EntityManager, tenantId: string, firstSeq: number, changes: ChangeRow[], occurredAt: Date): Promise<void> {
    const values = changes.flatMap((change, i) => [
      tenantId,
      firstSeq + i,
      change.txn,
      change.resourceType,
      change.resourceId,
      change.externalId,
      change.kinds.join(','),
      change.version,
      change.data ? sqlJson(change.data) : null,
      sqlJson(change.attributes),
      sqlTime(em, occurredAt),
    ]);
    await runSqlWrite(
      em,
      `INSERT INTO provisioning_events (tenant_id, seq, txn, resource_type, resource_id, external_id, kinds, version, data, attributes, occurred_at)
       VALUES ${changes.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values,
    );
  }

  /** The tenant's changes after `afterSeq`, in commit order. */
  async changesAfter(em: EntityManager, tenantId: string, afterSeq: number, limit: number): Promise<SequencedChange[]> {
    const rows = await runSql(
      em,
      `SELECT seq, txn, resource_type, resource_id, external_id, kinds, version, data, attributes, occurred_at
         FROM provisioning_events WHERE tenant_id = ? AND seq > ? ORDER BY seq ${limitClause(limit)}`,
      [tenantId, afterSeq],
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

  /** The tenant's last sequence number (what a new stream starts after). */
  async lastSeq(em: EntityManager, tenantId: string): Promise<number> {
    const rows = await runSql<{ last_seq: number | string }>(em, 'SELECT last_seq FROM event_sequences WHERE tenant_id = ?', [tenantId]);
    return rows.length ? Number(rows[0].last_seq) : 0;
  }

  /** Counts a new stream in, locking the tenant's sequence row (which orders the stream's start among concurrent writes); its start. */
  async countStreamIn(em: EntityManager, tenantId: string): Promise<number> {
    const [sequence] = await runSql<{ last_seq: number | string }>(
      em,
      `INSERT INTO event_sequences (tenant_id, last_seq, streams) VALUES (?, 0, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET streams = event_sequences.streams + 1 RETURNING last_seq`,
      [tenantId],
    );
    return Number(sequence.last_seq);
  }

  async countStreamOut(em: EntityManager, tenantId: string): Promise<void> {
    await runSqlWrite(em, 'UPDATE event_sequences SET streams = streams - 1 WHERE tenant_id = ? AND streams > 0', [tenantId]);
  }

  /** How far behind a stream is: the number of changes after its position and the oldest one's time. */
  async backlogOf(em: EntityManager, tenantId: string, position: number): Promise<{ size: number; oldest: Date | null }> {
    const rows = await runSql(em, 'SELECT COUNT(*) AS size, MIN(occurred_at) AS oldest FROM provisioning_events WHERE tenant_id = ? AND seq > ?', [
      tenantId,
      position,
    ]);
    const oldest = rows[0]?.oldest;
    return { size: Number(rows[0]?.size ?? 0), oldest: oldest === null || oldest === undefined ? null : fromSql.time(oldest) };
  }

  /** Deletes changes every stream of the tenant is past and that are older than the retention; the nightly job calls it. */
  pruneDelivered(em: EntityManager, before: Date): Promise<number> {
    return runSqlWrite(
      em,
      `DELETE FROM provisioning_events
        WHERE occurred_at < ? AND NOT EXISTS (SELECT 1 FROM event_streams s WHERE s.tenant_id = provisioning_events.tenant_id AND s.position < provisioning_events.seq)`,
      [sqlTime(em, before)],
    );
  }

  /** Over every stream: changes after their positions (an upper bound: unsubscribed events count too), and failing streams. */
  async deliveryFigures(em: EntityManager): Promise<{ backlog: number; failing: number }> {
    const [row] = await runSql(
      em,
      `SELECT COALESCE(SUM(q.last_seq - s.position), 0) AS backlog, COALESCE(SUM(CASE WHEN s.consecutive_failures > 0 THEN 1 ELSE 0 END), 0) AS failing
         FROM event_streams s JOIN event_sequences q ON q.tenant_id = s.tenant_id`,
    );
    return { backlog: Number(row?.backlog ?? 0), failing: Number(row?.failing ?? 0) };
  }
}
