import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { ScimError } from '@roster/scim-core';
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

interface Cursor {
  t: string;
  id: string;
}

/** Reads the trail: strictly one tenant, newest first, keyset-paginated on (occurredAt, id). */
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
      const cursor = decodeCursor(query.cursor);
      const at = new Date(cursor.t);
      and.push({ $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, id: { $lt: cursor.id } }] });
    }
    const rows = await this.em.find(AuditEventEntity, { $and: and }, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ t: last.occurredAt.toISOString(), id: last.id }) : null;
    return { items, nextCursor };
  }

  /** Deletes events older than the retention period; the nightly job calls this. */
  async prune(retentionDays: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    return this.em.fork().nativeDelete(AuditEventEntity, { occurredAt: { $lt: cutoff } });
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.t !== 'string' || Number.isNaN(Date.parse(cursor.t)) || typeof cursor.id !== 'string') throw new Error('shape');
    return cursor;
  } catch {
    throw ScimError.invalidValue('cursor is not a value returned as nextCursor');
  }
}
