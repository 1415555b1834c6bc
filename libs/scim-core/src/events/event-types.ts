import { ScimError } from '../errors';

/** RFC 9967 §2.4: provisioning events. A change carries one primary kind and, for `active`, a second one. */
export type ChangeKind = 'create' | 'put' | 'patch' | 'delete' | 'activate' | 'deactivate';

/** `full` SETs carry the resource after the change (`data`); `notice` SETs only the changed paths (`attributes`). */
export type EventFormat = 'full' | 'notice';

export const EVENT_FORMATS: readonly EventFormat[] = ['full', 'notice'];

const PREFIX = 'urn:ietf:params:scim:event:prov:';

/** create, put and patch come in a full and a notice variant; delete, activate and deactivate have no payload. */
const QUALIFIED: ReadonlySet<ChangeKind> = new Set(['create', 'put', 'patch']);

/** The event URI of a change kind in a stream of this format. */
export function eventUri(kind: ChangeKind, format: EventFormat): string {
  return QUALIFIED.has(kind) ? `${PREFIX}${kind}:${format}` : `${PREFIX}${kind}`;
}

/** Every event a stream of this format can carry: its default subscription. */
export function eventUrisOf(format: EventFormat): string[] {
  return (['create', 'put', 'patch', 'delete', 'activate', 'deactivate'] as const).map((kind) => eventUri(kind, format));
}

/**
 * A stream's subscription: the URIs it asked for, each one an event of its format (a `notice` stream
 * cannot ask for `full` events), without duplicates; all of them when none is named.
 */
export function subscribedEvents(format: EventFormat, requested: unknown): string[] {
  const offered = eventUrisOf(format);
  if (requested === undefined || requested === null) return offered;
  if (!Array.isArray(requested) || !requested.length) throw ScimError.invalidValue('events must be a non-empty array of event URIs');
  const chosen = new Set<string>();
  for (const uri of requested) {
    if (typeof uri !== 'string' || !offered.includes(uri)) {
      throw ScimError.invalidValue(`events: ${JSON.stringify(uri)} is not an event a ${format} stream carries (${offered.join(', ')})`);
    }
    chosen.add(uri);
  }
  return offered.filter((uri) => chosen.has(uri));
}
