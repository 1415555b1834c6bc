import { deepEqual, isObject } from '@roster/scim-core';
import type { AuditChange } from './audit-event.entity';

const SECRET_KEYS = /^(password|token|secret|authorization)$/i;

/**
 * Attribute-level diff of two SCIM documents: one change per leaf path that really changed
 * (multi-valued attributes are compared whole). Secret-looking keys never appear.
 */
export function diffDocuments(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, prefix = ''): AuditChange[] {
  const changes: AuditChange[] = [];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    if (SECRET_KEYS.test(key)) continue;
    const a = before?.[key];
    const b = after?.[key];
    if (deepEqual(a, b)) continue;
    const path = prefix ? (key.startsWith('urn:') ? key : `${prefix}${prefix.endsWith(':') ? '' : '.'}${key}`) : key;
    if (isObject(a) && isObject(b)) {
      changes.push(...diffDocuments(a, b, key.startsWith('urn:') ? `${key}:` : path));
    } else if (isObject(a) && b === undefined) {
      changes.push(...diffDocuments(a, {}, key.startsWith('urn:') ? `${key}:` : path));
    } else if (a === undefined && isObject(b)) {
      changes.push(...diffDocuments({}, b, key.startsWith('urn:') ? `${key}:` : path));
    } else {
      changes.push({ path, before: a ?? null, after: b ?? null });
    }
  }
  return changes;
}
