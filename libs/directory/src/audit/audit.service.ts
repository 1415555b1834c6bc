import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import type { ScimError } from '@roster/scim-core';
import type { AuditChange, AuditOutcome } from './audit-event.entity';
import type { SqlStatement } from '../shared/write-all';
import { auditEventInsert, insertAuditEvent } from './audit-event.insert';
import type { AuditContext } from './audit-context';
import { idTime, newId } from '../shared/ids';

export interface AuditedResource {
  type: 'User' | 'Group' | 'Token' | 'Tenant' | 'EventStream' | 'SetupLink' | 'SigningKey';
  id?: string | null;
  name?: string | null;
  externalId?: string | null;
}

export interface AuditEntry {
  action: string;
  resource: AuditedResource;
  changes?: AuditChange[];
  httpStatus: number;
}

/** Writes audit events. Successful changes are recorded inside the caller's transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  /** Writes the event in `em`'s transaction — the same transaction as the change itself. */
  async record(em: EntityManager, tenantId: string, context: AuditContext, entry: AuditEntry, now = new Date()): Promise<void> {
    await insertAuditEvent(em, this.toEntity(tenantId, context, entry, 'success', now));
  }

  /** The same event as a statement, for callers that send a change's statements together (write-all.ts). */
  recording(em: EntityManager, tenantId: string, context: AuditContext, entry: AuditEntry, now = new Date()): SqlStatement {
    return auditEventInsert(em, this.toEntity(tenantId, context, entry, 'success', now));
  }

  /** A rejected write, recorded on its own after the failed transaction rolled back. */
  async recordFailure(tenantId: string, context: AuditContext, entry: Omit<AuditEntry, 'httpStatus' | 'changes'>, error: ScimError): Promise<void> {
    await insertAuditEvent(this.em.fork(), {
      ...this.toEntity(tenantId, context, { ...entry, httpStatus: error.status }, 'failure', new Date()),
      scimType: error.scimType ?? null,
      detail: error.detail.slice(0, 1000),
    });
  }

  private toEntity(tenantId: string, context: AuditContext, entry: AuditEntry, outcome: AuditOutcome, now: Date) {
    // The id carries the recording order; occurredAt is taken from it so the two never disagree.
    const id = newId(now.getTime());
    return {
      id,
      tenantId,
      occurredAt: idTime(id),
      actorType: context.actor.type,
      actorTokenId: context.actor.type === 'scim-token' ? context.actor.tokenId : context.actor.type === 'admin' ? null : context.actor.sessionId,
      action: entry.action,
      resourceType: entry.resource.type,
      resourceId: entry.resource.id ?? null,
      resourceName: entry.resource.name ?? null,
      resourceExternalId: entry.resource.externalId ?? null,
      changes: entry.changes?.length ? entry.changes : null,
      outcome,
      httpStatus: entry.httpStatus,
      requestId: context.requestId ?? null,
      userAgent: context.userAgent ?? null,
    };
  }
}
