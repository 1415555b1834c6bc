import type { ConnectionState as ConnectionBody, ScimRequestEntry } from '@roster/contract';
import { queryParams } from '../shared/query-params';
import type { ConnectionState, ScimRequestQuery, ScimRequestView } from './scim-requests.service';

/** A logged request as the admin API and the portal send it. */
export function scimRequestEntry(view: ScimRequestView): ScimRequestEntry {
  return {
    id: view.id,
    occurredAt: view.occurredAt.toISOString(),
    method: view.method,
    path: view.path,
    status: view.status,
    scimType: view.scimType,
    detail: view.detail,
    durationMs: view.durationMs,
    userAgent: view.userAgent,
    requestId: view.requestId,
    authFailure: view.authFailure,
    identityProvider: view.identityProvider,
    summary: view.summary,
    change: view.change,
    problem: view.problem,
    fix: view.fix,
  };
}

export function connectionBody(state: ConnectionState): ConnectionBody {
  const entry = (view: ScimRequestView | null) => (view ? scimRequestEntry(view) : null);
  return {
    state: state.state,
    lastRequest: entry(state.lastRequest),
    lastSuccess: entry(state.lastSuccess),
    lastFailure: entry(state.lastFailure),
    requestsLastHour: state.requestsLastHour,
    failuresLastHour: state.failuresLastHour,
  };
}

/** `limit`, `cursor`, `status` (a class: 2xx, 4xx, 5xx, or failures) and `since` of a log page. */
export function scimRequestQuery(raw: Record<string, unknown>): ScimRequestQuery {
  const params = queryParams(raw);
  return {
    limit: params.integer('limit', 50, 1, 500),
    cursor: params.text('cursor'),
    status: params.oneOf('status', ['2xx', '3xx', '4xx', '5xx', 'failures'] as const),
    since: params.date('since'),
  };
}
