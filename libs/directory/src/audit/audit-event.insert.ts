import type { EntityManager } from '@mikro-orm/core';
import { runSqlWrite, sqlJson, sqlTime } from '../shared/sql';
import type { SqlStatement } from '../shared/write-all';
import type { AuditChange } from './audit-event.entity';

export interface AuditEventRow {
  id: string;
  tenantId: string;
  occurredAt: Date;
  actorType: string;
  actorTokenId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
  resourceExternalId: string | null;
  changes: AuditChange[] | null;
  outcome: string;
  httpStatus: number;
  scimType?: string | null;
  detail?: string | null;
  requestId: string | null;
  userAgent: string | null;
}

/** One audit event, written with bound parameters in `em`'s transaction (every write records one). */
export async function insertAuditEvent(em: EntityManager, row: AuditEventRow): Promise<void> {
  const { sql, params } = auditEventInsert(em, row);
  await runSqlWrite(em, sql, params);
}

/** The statement that writes one audit event (`em` says which database it is for). */
export function auditEventInsert(em: EntityManager, row: AuditEventRow): SqlStatement {
  return {
    sql: `INSERT INTO audit_events (id, tenant_id, occurred_at, actor_type, actor_token_id, action, resource_type, resource_id, resource_name,
       resource_external_id, changes, outcome, http_status, scim_type, detail, request_id, user_agent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      row.id,
      row.tenantId,
      sqlTime(em, row.occurredAt),
      row.actorType,
      row.actorTokenId,
      row.action,
      row.resourceType,
      row.resourceId,
      row.resourceName,
      row.resourceExternalId,
      row.changes ? sqlJson(row.changes) : null,
      row.outcome,
      row.httpStatus,
      row.scimType ?? null,
      row.detail ?? null,
      row.requestId,
      row.userAgent,
    ],
  };
}
