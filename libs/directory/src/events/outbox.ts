import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager, TransactionPropagation, type EventSubscriber, type TransactionEventArgs } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ChangeKind, JsonObject } from '@roster/scim-core';
import { dialectOf, runSql, runSqlWrite, sqlJson, sqlTime } from '../shared/sql';
import { writeAll, type SqlStatement, type WriteAllOptions, type WriteOutcome } from '../shared/write-all';
import { versionOf } from './change-records';
import { EVENTS_CHANNEL, EventSignals } from './event-signals';

/** Whose changes these are, and whether the tenant had event streams when the request authenticated. */
export interface EventScope {
  tenantId: string;
  eventStreams?: boolean;
}

/** A change as the write path describes it; `data` is only computed when some stream will carry it. */
export interface ChangeToRecord {
  resourceType: 'User' | 'Group';
  resourceId: string;
  externalId: string | null;
  kinds: ChangeKind[];
  attributes: string[];
  /** The resource after the change (its meta.version is the event's version); null for a delete. */
  data: () => Promise<JsonObject | null> | JsonObject | null;
}

/**
 * The transactional outbox: a change's events are written in the change's own transaction, so a rolled
 * back write leaves none and a committed one cannot lose them.
 *
 * Ordering: the tenant's `event_sequences` row is updated by every recording transaction and stays
 * locked until it commits, so sequence numbers are handed out in commit order (PostgreSQL), and SQLite
 * has a single writer anyway. Tenants without streams skip it: their writes neither wait nor record.
 */
@Injectable()
export class ProvisioningOutbox implements OnModuleInit, EventSubscriber {
  // Which tenants a transaction recorded events for, to wake the dispatcher once it has committed.
  private readonly pending = new WeakMap<object, Set<string>>();

  constructor(
    private readonly em: EntityManager,
    private readonly signals: EventSignals,
  ) {}

  onModuleInit(): void {
    this.em.getEventManager().registerSubscriber(this);
  }

  /**
   * `scope.eventStreams` is what the caller's authentication found (at most AUTH_CACHE_MS old): false means
   * the tenant had no stream then, and the write skips the outbox without a statement. Creating a stream
   * waits that long before answering, so writes that start after it see it; undefined means "look".
   */
  async record(em: EntityManager, scope: EventScope, changes: ChangeToRecord[], now = new Date()): Promise<void> {
    if (!changes.length || scope.eventStreams === false) return;
    const { tenantId } = scope;
    // On PostgreSQL the same statement tells the other processes (EventSignals), at commit and only then.
    const notify = dialectOf(em) === 'postgresql' ? `, pg_notify('${EVENTS_CHANNEL}', tenant_id::text)` : '';
    const rows = await runSql<{ last_seq: number | string }>(
      em,
      `UPDATE event_sequences SET last_seq = last_seq + ? WHERE tenant_id = ? AND streams > 0 RETURNING last_seq${notify}`,
      [changes.length, tenantId],
    );
    if (!rows.length) return;
    const first = Number(rows[0].last_seq) - changes.length + 1;
    const values: unknown[] = [];
    for (const [i, change] of changes.entries()) {
      const data = await change.data();
      values.push(
        tenantId,
        first + i,
        randomUUID(),
        change.resourceType,
        change.resourceId,
        change.externalId,
        change.kinds.join(','),
        versionOf(data),
        data ? sqlJson(data) : null,
        sqlJson(change.attributes),
        sqlTime(em, now),
      );
    }
    await runSqlWrite(
      em,
      `INSERT INTO provisioning_events (tenant_id, seq, txn, resource_type, resource_id, external_id, kinds, version, data, attributes, occurred_at)
       VALUES ${changes.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      values,
    );
    const transaction = em.getTransactionContext<object>();
    if (!transaction) return this.signals.committed(tenantId);
    const tenants = this.pending.get(transaction) ?? new Set<string>();
    this.pending.set(transaction, tenants.add(tenantId));
  }

  /**
   * Writes a change's statements and records its events with them, atomically (write-all.ts). A tenant
   * without streams (as the caller's authentication found) records nothing, so its writes need no
   * transaction of their own: on PostgreSQL they are then a single statement. Events are recorded only when
   * the first statement changed something; `changes` sees what that statement returned.
   */
  async write(
    em: EntityManager,
    scope: EventScope,
    statements: SqlStatement[],
    changes: (written: WriteOutcome) => ChangeToRecord[],
    options: WriteAllOptions = {},
  ): Promise<WriteOutcome> {
    if (scope.eventStreams === false) return writeAll(em, statements, options);
    const writeAndRecord = async (transaction: EntityManager) => {
      const written = await writeAll(transaction, statements, options);
      if (written.changed) await this.record(transaction, scope, changes(written));
      return written;
    };
    return em.transactional(writeAndRecord, { propagation: TransactionPropagation.REQUIRED });
  }

  afterTransactionCommit(args: TransactionEventArgs): void {
    const tenants = args.transaction && this.pending.get(args.transaction);
    if (!tenants) return;
    this.pending.delete(args.transaction!);
    for (const tenantId of tenants) this.signals.committed(tenantId);
  }
}
