import { queryParams } from '../shared/query-params';
import type { AuditQuery } from './audit-query.service';

/** An audit trail query as the admin API's query string gives it. */
export function auditQueryOf(raw: Record<string, unknown>): AuditQuery {
  const params = queryParams(raw);
  return {
    resourceId: params.text('resourceId'),
    action: params.text('action'),
    outcome: params.oneOf('outcome', ['success', 'failure'] as const),
    since: params.date('since'),
    until: params.date('until'),
    limit: params.integer('limit', 50, 1, 500),
    cursor: params.text('cursor'),
  };
}
