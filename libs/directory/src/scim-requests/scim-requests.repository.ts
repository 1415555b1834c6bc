import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { limitClause, runSql, runSqlWrite } from '../shared/sql';

/** One logged request as stored. */
export interface StoredScimRequest {
  id: string;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  durationMs: number;
  userAgent: string | null;
  requestId: string;
  authFailure: string | null;
}

/** Which entries a page holds: ids are time-ordered (UUIDv7), so "before" and "since" are ranges of ids. */
export interface ScimRequestRange {
  beforeId?: string;
  fromId?: string;
  status?: [number, number];
}

const COLUMNS = 'id, method, path, status, scim_type, detail, duration_ms, user_agent, request_id, auth_failure';

/** The reads and the pruning of scim_requests (ScimRequestLog writes it), every one by tenant and id. */
@Injectable()
export class ScimRequestsRepository {
  /** The tenant's entries in the range, newest first. */
  async newest(em: EntityManager, tenantId: string, range: ScimRequestRange, limit: number): Promise<StoredScimRequest[]> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (range.beforeId !== undefined) {
      where.push('id < ?');
      params.push(range.beforeId);
    }
    if (range.fromId !== undefined) {
      where.push('id >= ?');
      params.push(range.fromId);
    }
    if (range.status) {
      where.push('status >= ? AND status < ?');
      params.push(...range.status);
    }
    const rows = await runSql(em, `SELECT ${COLUMNS} FROM scim_requests WHERE ${where.join(' AND ')} ORDER BY id DESC ${limitClause(limit)}`, params);
    return rows.map(toStored);
  }

  /** Requests and refused ones among them since `fromId`. */
  async countSince(em: EntityManager, tenantId: string, fromId: string): Promise<{ total: number; failed: number }> {
    const [row] = await runSql<{ total: number | string; failed: number | string | null }>(
      em,
      'SELECT count(*) AS total, sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS failed FROM scim_requests WHERE tenant_id = ? AND id >= ?',
      [tenantId, fromId],
    );
    return { total: Number(row?.total ?? 0), failed: Number(row?.failed ?? 0) };
  }

  /** How many entries each tenant has. */
  async countsByTenant(em: EntityManager): Promise<{ tenantId: string; entries: number }[]> {
    const rows = await runSql<{ tenant_id: string; n: number | string }>(em, 'SELECT tenant_id, count(*) AS n FROM scim_requests GROUP BY tenant_id');
    return rows.map((row) => ({ tenantId: row.tenant_id, entries: Number(row.n) }));
  }

  /** The id of the tenant's `position`-th newest entry (1: the newest), if it has that many. */
  async idAtPosition(em: EntityManager, tenantId: string, position: number): Promise<string | undefined> {
    const [row] = await runSql<{ id: string }>(em, 'SELECT id FROM scim_requests WHERE tenant_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?', [
      tenantId,
      position - 1,
    ]);
    return row ? String(row.id) : undefined;
  }

  /** Deletes at most `batch` of the tenant's entries older than `keepFromId`; how many went. */
  deleteOlderThan(em: EntityManager, tenantId: string, keepFromId: string, batch: number): Promise<number> {
    return runSqlWrite(
      em,
      `DELETE FROM scim_requests WHERE tenant_id = ? AND id IN (SELECT id FROM scim_requests WHERE tenant_id = ? AND id < ? LIMIT ${Number(batch)})`,
      [tenantId, tenantId, keepFromId],
    );
  }
}

function toStored(row: Record<string, unknown>): StoredScimRequest {
  return {
    id: String(row.id),
    method: String(row.method),
    path: String(row.path),
    status: Number(row.status),
    scimType: (row.scim_type as string | null) ?? null,
    detail: (row.detail as string | null) ?? null,
    durationMs: Number(row.duration_ms),
    userAgent: (row.user_agent as string | null) ?? null,
    requestId: String(row.request_id),
    authFailure: (row.auth_failure as string | null) ?? null,
  };
}
