import { isObject, type ChangeKind, type JsonObject } from '@roster/scim-core';

/** The primary kind, plus activate or deactivate when `active` moved (RFC 9967: both in one SET). */
export function changeKinds(primary: 'create' | 'put' | 'patch' | 'delete', wasActive?: boolean, isActive?: boolean): ChangeKind[] {
  if (wasActive === undefined || isActive === undefined || wasActive === isActive) return [primary];
  return [primary, isActive ? 'activate' : 'deactivate'];
}

/** The changed attribute paths of an audit diff (one entry per leaf), without repeats, plus any extra. */
export function changedPaths(changes: readonly { path: string }[], ...extra: string[]): string[] {
  return [...new Set([...changes.map((change) => change.path), ...extra])];
}

/** The ETag a SCIM representation carries in meta.version. */
export function versionOf(resource: JsonObject | null): string | null {
  const meta = resource?.meta;
  return isObject(meta) && typeof meta.version === 'string' ? meta.version : null;
}
