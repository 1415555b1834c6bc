import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager, TransactionPropagation, type EventSubscriber, type TransactionEventArgs } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { ChangeKind, JsonObject } from '@roster/scim-core';
import { writeAll, type SqlStatement, type WriteAllOptions, type WriteOutcome } from '../shared/write-all';
import { versionOf } from './change-records';
import { EventSignals } from './event-signals';
import { ProvisioningEventsRepository } from './provisioning-events.repository';

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
    private readonly events: ProvisioningEventsRepository,
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
    const first = await this.events.takeSequenceNumbers(em, tenantId, changes.length);
    if (first === undefined) return;
    const rows = [];
    for (const change of changes) {
      const data = await change.data();
      const { resourceType, resourceId, externalId, kinds, attributes } = change;
      rows.push({ txn: randomUUID(), resourceType, resourceId, externalId, kinds, version: versionOf(data), data, attributes });
    }
    await this.events.append(em, tenantId, first, rows, now);
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
