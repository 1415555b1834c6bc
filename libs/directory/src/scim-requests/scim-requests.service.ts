import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { ScimError } from '@roster/scim-core';
import { firstIdAt, idTime, isUuid } from '../shared/ids';
import { AuditQueryService } from '../audit/audit-query.service';
import { ScimRequestsRepository, type StoredScimRequest } from './scim-requests.repository';
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
    private readonly requests: ScimRequestsRepository,
    private readonly audit: AuditQueryService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async page(tenantId: string, query: ScimRequestQuery): Promise<{ items: ScimRequestView[]; nextCursor: string | null }> {
    const em = this.em.fork();
    const rows = await this.requests.newest(
      em,
      tenantId,
      {
        beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        status: query.status ? STATUS_RANGES[query.status] : undefined,
        // An entry's time is its id's (UUIDv7): a time range is a range of ids, on the table's key.
        fromId: query.since ? firstIdAt(query.since) : undefined,
      },
      query.limit + 1,
    );
    const items = await this.present(tenantId, rows.slice(0, query.limit));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? Buffer.from(last.id).toString('base64url') : null };
  }

  /** The live connection check: has the identity provider called yet, and how did its latest request go. */
  async connection(tenantId: string, now = new Date()): Promise<ConnectionState> {
    const em = this.em.fork();
    const newest = async (status?: [number, number]) => (await this.requests.newest(em, tenantId, { status }, 1))[0];
    const [last, success, failure] = await Promise.all([newest(), newest([0, 400]), newest([400, 600])]);
    const [lastRequest, lastSuccess, lastFailure] = await this.present(
      tenantId,
      [last, success, failure].filter((row) => !!row),
    ).then((views) => [
      last ? views.find((v) => v.id === last.id)! : null,
      success ? views.find((v) => v.id === success.id)! : null,
      failure ? views.find((v) => v.id === failure.id)! : null,
    ]);
    const hour = await this.requests.countSince(em, tenantId, firstIdAt(new Date(now.getTime() - 3_600_000)));
    return {
      state: !lastRequest ? 'waiting' : lastRequest.status < 400 ? 'working' : 'failing',
      lastRequest,
      lastSuccess,
      lastFailure,
      requestsLastHour: hour.total,
      failuresLastHour: hour.failed,
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
    for (const { tenantId, entries } of await this.requests.countsByTenant(em)) {
      // The oldest id kept: the cap's, or the retention's, whichever is later.
      const capped = entries > maxPerTenant ? await this.requests.idAtPosition(em, tenantId, maxPerTenant) : undefined;
      const keepFrom = capped && capped > tooOld ? capped : tooOld;
      for (;;) {
        const batch = await this.requests.deleteOlderThan(em, tenantId, keepFrom, PRUNE_BATCH);
        deleted += batch;
        if (batch < PRUNE_BATCH) break;
      }
    }
    return deleted;
  }

  /** Rows as views: explained, and with what each write changed (its audit event, by request id). */
  private async present(tenantId: string, rows: StoredScimRequest[]): Promise<ScimRequestView[]> {
    const requests = rows.map((row) => ({ ...row, occurredAt: idTime(row.id) }));
    const changes = await this.changesOf(tenantId, requests);
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

  /** What the successful writes among `requests` changed: the audit events they recorded. */
  private changesOf(
    tenantId: string,
    requests: { requestId: string; occurredAt: Date; method: string; status: number }[],
  ): Promise<Map<string, { action: string; resource: string | null }>> {
    const writes = requests.filter((r) => r.method !== 'GET' && r.status < 400 && r.requestId);
    return this.audit.changesOfRequests(
      tenantId,
      writes.map((r) => ({ requestId: r.requestId, at: r.occurredAt })),
    );
  }
}

function decodeCursor(cursor: string): string {
  const id = cursor.length <= 64 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!isUuid(id)) throw ScimError.invalidValue('cursor is not one this list issued');
  return id.toLowerCase();
}
