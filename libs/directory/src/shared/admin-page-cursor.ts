import { ScimError } from '@roster/scim-core';
import { isUuid } from './ids';

/**
 * The cursor of the admin API's newest-first lists (audit events, deleted users): the time and id of the
 * last item served. Opaque to clients, but not secret: it only says where to continue.
 */
export interface AdminPageCursor {
  at: Date;
  id: string;
}

export function encodeAdminCursor(cursor: AdminPageCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.at.toISOString(), id: cursor.id })).toString('base64url');
}

export function decodeAdminCursor(raw: string): AdminPageCursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    // Both lists are keyed by uuids: anything else never reaches SQL (PostgreSQL would refuse it as a uuid).
    if (typeof cursor.t !== 'string' || Number.isNaN(Date.parse(cursor.t)) || typeof cursor.id !== 'string' || !isUuid(cursor.id)) throw new Error('shape');
    return { at: new Date(cursor.t), id: cursor.id };
  } catch {
    throw ScimError.invalidValue('cursor is not a value returned as nextCursor');
  }
}
