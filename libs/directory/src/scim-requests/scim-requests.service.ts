import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { ScimError } from '@roster/scim-core';
import { firstIdAt, idTime, isUuid } from '../shared/ids';
import { placeholders, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import { describeRequest, explainRequest, identityProviderOf, type IdentityProvider, type LoggedRequest } from './explain';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'failures';

export interface ScimRequestQuery {
  limit: number;
  cursor?: string;
  status?: StatusClass;
  since?: Date;
}

/** A logged request as the portal and the admin API show it: what it was, what Roster answered, and why. */
export interface ScimRequestView extends LoggedRequest {
  id: string;
  occurredAt: Date;
  durationMs: number;
  requestId: string;
  identityProvider: IdentityProvider | null;
  /** What the request was, in a few words. */
  summary: string;
  /** For a write: what it changed (the audit trail's action and resource). */
  change: { action: string; resource: string | null } | null;
  problem: string | null;
  fix: string | null;
}

export interface ConnectionState {
  /** waiting: no request yet; working: the latest request succeeded; failing: it was refused. */
  state: 'waiting' | 'working' | 'failing';
  lastRequest: ScimRequestView | null;
  lastSuccess: ScimRequestView | null;
  lastFailure: ScimRequestView | null;
  requestsLastHour: number;
  failuresLastHour: number;
}

const COLUMNS = 'id, method, path, status, scim_type, detail, duration_ms, user_agent, request_id, auth_failure';
const STATUS_RANGES: Record<StatusClass, [number, number]> = {
  '2xx': [200, 300],
  '3xx': [300, 400],
  '4xx': [400, 500],
  '5xx': [500, 600],
  failures: [400, 600],
};
const PRUNE_BATCH = 5000;

/** Reads the SCIM request log: strictly one tenant, newest first (ids are time-ordered). */
@Injectable()
export class ScimRequestsService {
  constructor(
    private readonly em: EntityManager,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async page(tenantId: string, query: ScimRequestQuery): Promise<{ items: ScimRequestView[]; nextCursor: string | null }> {
    const em = this.em.fork();
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (query.cursor !== undefined) {
      where.push('id < ?');
      params.push(decodeCursor(query.cursor));
    }
    if (query.status) {
      where.push('status >= ? AND status < ?');
      params.push(...STATUS_RANGES[query.status]);
    }
    if (query.since) {
      // An entry's time is its id's (UUIDv7): a time range is a range of ids, on the table's key.
      where.push('id >= ?');
      params.push(firstIdAt(query.since));
    }
    const rows = await runSql(em, `SELECT ${COLUMNS} FROM scim_requests WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, [...params, query.limit + 1]);
    const items = await this.present(em, tenantId, rows.slice(0, query.limit));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null };
  }

  /** The live connection check: has the identity provider called yet, and how did its latest request go. */
  async connection(tenantId: string, now = new Date()): Promise<ConnectionState> {
    const em = this.em.fork();
    const newest = async (extra: string) =>
      (await runSql(em, `SELECT ${COLUMNS} FROM scim_requests WHERE tenant_id = ?${extra} ORDER BY id DESC LIMIT 1`, [tenantId]))[0];
    const [last, success, failure] = await Promise.all([newest(''), newest(' AND status < 400'), newest(' AND status >= 400')]);
    const [lastRequest, lastSuccess, lastFailure] = await this.present(
      em,
      tenantId,
      [last, success, failure].filter((row) => !!row),
    ).then((views) => [
      last ? views.find((v) => v.id === String(last.id))! : null,
      success ? views.find((v) => v.id === String(success.id))! : null,
      failure ? views.find((v) => v.id === String(failure.id))! : null,
    ]);
    const hour = await runSql<{ total: number | string; failed: number | string | null }>(
      em,
      'SELECT count(*) AS total, sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS failed FROM scim_requests WHERE tenant_id = ? AND id >= ?',
      [tenantId, firstIdAt(new Date(now.getTime() - 3_600_000))],
    );
    return {
      state: !lastRequest ? 'waiting' : lastRequest.status < 400 ? 'working' : 'failing',
      lastRequest,
      lastSuccess,
      lastFailure,
      requestsLastHour: Number(hour[0]?.total ?? 0),
      failuresLastHour: Number(hour[0]?.failed ?? 0),
    };
  }

  /**
   * Deletes entries older than ROSTER_SCIM_REQUEST_LOG_DAYS and, per tenant, all but the newest
   * ROSTER_SCIM_REQUEST_LOG_MAX_PER_TENANT, in batches that never hold the database long (the nightly job).
   */
  async prune(now = new Date()): Promise<number> {
    const em = this.em.fork();
    const { days, maxPerTenant } = this.config.scimRequestLog;
    const tooOld = firstIdAt(new Date(now.getTime() - days * 86_400_000));
    let deleted = 0;
    const tenants = await runSql<{ tenant_id: string; n: number | string }>(em, 'SELECT tenant_id, count(*) AS n FROM scim_requests GROUP BY tenant_id');
    for (const { tenant_id: tenantId, n } of tenants) {
      // The oldest id kept: the cap's, or the retention's, whichever is later.
      const [capped] =
        Number(n) > maxPerTenant
          ? await runSql<{ id: string }>(em, 'SELECT id FROM scim_requests WHERE tenant_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?', [tenantId, maxPerTenant - 1])
          : [];
      const keepFrom = capped && String(capped.id) > tooOld ? String(capped.id) : tooOld;
      for (;;) {
        const batch = await runSqlWrite(
          em,
          `DELETE FROM scim_requests WHERE tenant_id = ? AND id IN (SELECT id FROM scim_requests WHERE tenant_id = ? AND id < ? LIMIT ${PRUNE_BATCH})`,
          [tenantId, tenantId, keepFrom],
        );
        deleted += batch;
        if (batch < PRUNE_BATCH) break;
      }
    }
    return deleted;
  }

  /** Rows as views: explained, and with what each write changed (its audit event, by request id). */
  private async present(em: EntityManager, tenantId: string, rows: Record<string, unknown>[]): Promise<ScimRequestView[]> {
    const requests = rows.map((row) => ({
      id: String(row.id),
      occurredAt: idTime(String(row.id)),
      method: String(row.method),
      path: String(row.path),
      status: Number(row.status),
      scimType: (row.scim_type as string | null) ?? null,
      detail: (row.detail as string | null) ?? null,
      durationMs: Number(row.duration_ms),
      userAgent: (row.user_agent as string | null) ?? null,
      requestId: String(row.request_id),
      authFailure: (row.auth_failure as string | null) ?? null,
    }));
    const changes = await this.changesOf(em, tenantId, requests);
    return requests.map((request) => {
      const explanation = explainRequest(request, this.config.portal.productName);
      return {
        ...request,
        identityProvider: identityProviderOf(request),
        summary: describeRequest(request),
        change: changes.get(request.requestId) ?? null,
        problem: explanation?.problem ?? null,
        fix: explanation?.fix ?? null,
      };
    });
  }

  /** The audit events the successful writes among `requests` recorded, found on the tenant's time index. */
  private async changesOf(
    em: EntityManager,
    tenantId: string,
    requests: { requestId: string; occurredAt: Date; method: string; status: number }[],
  ): Promise<Map<string, { action: string; resource: string | null }>> {
    const writes = requests.filter((r) => r.method !== 'GET' && r.status < 400 && r.requestId);
    if (!writes.length) return new Map();
    const times = writes.map((r) => r.occurredAt.getTime());
    // An audit event is recorded while its request runs, so at most a few seconds before the log's entry.
    const from = new Date(Math.min(...times) - 60_000);
    const to = new Date(Math.max(...times) + 1000);
    const ids = [...new Set(writes.map((r) => r.requestId))];
    const rows = await runSql<{ request_id: string; action: string; resource_name: string | null }>(
      em,
      `SELECT request_id, action, resource_name FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at <= ?
         AND request_id IN (${placeholders(ids)}) ORDER BY occurred_at, id`,
      [tenantId, sqlTime(em, from), sqlTime(em, to), ...ids],
    );
    const found = new Map<string, { action: string; resource: string | null }>();
    for (const row of rows) if (!found.has(row.request_id)) found.set(row.request_id, { action: row.action, resource: row.resource_name ?? null });
    return found;
  }
}

function decodeCursor(cursor: string): string {
  const id = cursor.length <= 64 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!isUuid(id)) throw ScimError.invalidValue('cursor is not one this list issued');
  return id.toLowerCase();
}
