import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { decodeAdminCursor, encodeAdminCursor } from '../shared/admin-page-cursor';
import { placeholders, runSql, sqlTime } from '../shared/sql';
import { AuditEventEntity } from './audit-event.entity';

export interface AuditQuery {
  resourceId?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  since?: Date;
  until?: Date;
  limit: number;
  cursor?: string;
}

/**
 * The scope of events about the deployment rather than one tenant (a tenant deleted, restored, purged): they
 * must outlive the tenant, whose own trail its purge removes. No tenant can have this id (ids are random).
 */
export const DEPLOYMENT_AUDIT_SCOPE = '00000000-0000-0000-0000-000000000000';

/** Reads the trail: strictly one tenant (or the deployment), newest first, keyset-paginated on (occurredAt, id). */
@Injectable()
export class AuditQueryService {
  constructor(private readonly em: EntityManager) {}

  async list(tenantId: string, query: AuditQuery): Promise<{ items: AuditEventEntity[]; nextCursor: string | null }> {
    const where: FilterQuery<AuditEventEntity> = { tenantId };
    if (query.resourceId) where.resourceId = query.resourceId;
    if (query.action) where.action = query.action;
    if (query.outcome) where.outcome = query.outcome;
    const range: Record<string, Date> = {};
    if (query.since) range.$gte = query.since;
    if (query.until) range.$lt = query.until;
    const and: FilterQuery<AuditEventEntity>[] = [where];
    if (Object.keys(range).length) and.push({ occurredAt: range });
    if (query.cursor) {
      const { at, id } = decodeAdminCursor(query.cursor);
      and.push({ $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, id: { $lt: id } }] });
    }
    const rows = await this.em.find(AuditEventEntity, { $and: and }, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeAdminCursor({ at: last.occurredAt, id: last.id }) : null;
    return { items, nextCursor };
  }

  /** Deletes events older than the retention period; the nightly job calls this. */
  async prune(retentionDays: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    return this.em.fork().nativeDelete(AuditEventEntity, { occurredAt: { $lt: cutoff } });
  }

  /**
   * The first audit event each request recorded (action and resource), for requests made at the times given:
   * found on the tenant's time index, since an event is recorded while its request runs, at most a few seconds
   * before the request is logged.
   */
  async changesOfRequests(tenantId: string, requests: { requestId: string; at: Date }[]): Promise<Map<string, { action: string; resource: string | null }>> {
    const found = new Map<string, { action: string; resource: string | null }>();
    if (!requests.length) return found;
    const times = requests.map((r) => r.at.getTime());
    const ids = [...new Set(requests.map((r) => r.requestId))];
    const em = this.em.fork();
    const rows = await runSql<{ request_id: string; action: string; resource_name: string | null }>(
      em,
      `SELECT request_id, action, resource_name FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at <= ?
         AND request_id IN (${placeholders(ids)}) ORDER BY occurred_at, id`,
      [tenantId, sqlTime(em, new Date(Math.min(...times) - 60_000)), sqlTime(em, new Date(Math.max(...times) + 1000)), ...ids],
    );
    for (const row of rows) if (!found.has(row.request_id)) found.set(row.request_id, { action: row.action, resource: row.resource_name ?? null });
    return found;
  }
}
