import { ScimError } from '@roster/scim-core';
import type { AuditContext } from './audit-context';
import type { AuditService, AuditedResource } from './audit.service';

/**
 * Runs a write; when it is rejected with a SCIM error (4xx), records the failure — after the failed
 * transaction has rolled back — and rethrows. Unexpected errors are not audited as rejections.
 */
export async function withFailureAudit<T>(
  audit: AuditService,
  tenantId: string,
  context: AuditContext,
  attempt: { action: string; resource: AuditedResource },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ScimError && error.status >= 400 && error.status < 500) {
      await audit.recordFailure(tenantId, context, attempt, error);
    }
    throw error;
  }
}

/** The identity a rejected create or replace tried to write, read defensively from the raw body. */
export function attemptedIdentity(type: 'User' | 'Group', body: unknown, nameAttribute: string): AuditedResource {
  const get = (key: string) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
    const value = (body as Record<string, unknown>)[key];
    return typeof value === 'string' ? value.slice(0, 512) : null;
  };
  return { type, name: get(nameAttribute), externalId: get('externalId') };
}
