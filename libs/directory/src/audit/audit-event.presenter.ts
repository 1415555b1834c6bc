import type { AuditEvent } from '@roster/contract';
import type { AuditEventEntity } from './audit-event.entity';

/** An audit event as the admin API and the portal send it. */
export function auditEventBody(event: AuditEventEntity): AuditEvent {
  return {
    id: event.id,
    tenantId: event.tenantId,
    occurredAt: event.occurredAt.toISOString(),
    actor: actorOf(event),
    action: event.action,
    resource: {
      type: event.resourceType as AuditEvent['resource']['type'],
      id: event.resourceId ?? null,
      name: event.resourceName ?? null,
      externalId: event.resourceExternalId ?? null,
    },
    changes: event.changes ?? [],
    outcome: event.outcome,
    httpStatus: event.httpStatus,
    scimType: event.scimType ?? null,
    detail: event.detail ?? null,
    requestId: event.requestId ?? null,
    userAgent: event.userAgent ?? null,
  };
}

function actorOf(event: AuditEventEntity): AuditEvent['actor'] {
  if (event.actorType === 'scim-token') return { type: 'scim-token', tokenId: event.actorTokenId ?? undefined };
  if (event.actorType === 'portal-tenant' || event.actorType === 'portal-operator')
    return { type: event.actorType, sessionId: event.actorTokenId ?? undefined };
  return { type: 'admin' };
}
