import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import type { BoundFilter } from '../filter/bind';
import { findKeyIgnoreCase, isObject } from '../resource/json';
import type { ResourceType } from '../schema/resource-type';
import { parsePatchPath } from './patch-path';
import type { PatchOperation } from './patch-request';

export type MembershipChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'replace'; ids: string[] }
  | { kind: 'removeAll' }
  /** Filters other than `value eq …`: the members any of them matches are found by evaluating them. */
  | { kind: 'removeMatching'; filters: BoundFilter[] };

/**
 * Splits a group PATCH into membership changes — applied as set-based SQL, never by loading the group —
 * and the remaining attribute operations for the in-memory engine. Handles, each as a named case:
 *   Okta:  {"op":"remove","path":"members[value eq \"89bb…\"]"} plus {"op":"add","path":"members","value":[…]}
 *   Okta:  {"op":"replace","path":"members","value":[]}                       (Push Now, empty group)
 *   Entra: {"op":"Remove","path":"members","value":[{"$ref":null,"value":"f648…"}]} (remove these, not all)
 *   both:  path-less {"op":"add"|"replace"|"remove","value":{"members":[…]}}
 */
export function splitMembershipOperations(
  type: ResourceType,
  operations: PatchOperation[],
): { attributeOperations: PatchOperation[]; membership: MembershipChange[] } {
  const attributeOperations: PatchOperation[] = [];
  const membership: MembershipChange[] = [];
  for (const operation of operations) {
    if (operation.path === undefined) {
      const value = operation.value;
      const key = isObject(value) ? findKeyIgnoreCase(value, 'members') : undefined;
      if (!isObject(value) || key === undefined) {
        attributeOperations.push(operation);
        continue;
      }
      const { [key]: members, ...rest } = value;
      const kind = operation.op === 'add' ? 'add' : operation.op === 'remove' ? 'remove' : 'replace';
      membership.push({ kind, ids: memberIds(members) });
      if (Object.keys(rest).length) attributeOperations.push({ ...operation, value: rest });
      continue;
    }
    if (!/^members(\[|\.|$)/i.test(operation.path)) {
      attributeOperations.push(operation);
      continue;
    }
    const target = parsePatchPath(type, operation.path);
    if (target.kind !== 'attribute' || target.sub) throw ScimError.invalidPath(`Members can only be added, replaced or removed whole ("${operation.path}")`);
    if (target.filter) {
      if (operation.op !== 'remove') throw ScimError.invalidPath('A filtered members path is only supported with "remove"');
      const ids = valueEqualities(target.filter);
      membership.push(ids ? { kind: 'remove', ids } : { kind: 'removeMatching', filters: [target.filter] });
      continue;
    }
    if (operation.op === 'add') membership.push({ kind: 'add', ids: memberIds(operation.value) });
    else if (operation.op === 'replace') membership.push({ kind: 'replace', ids: memberIds(operation.value) });
    else if (operation.value === undefined || operation.value === null) membership.push({ kind: 'removeAll' });
    else membership.push({ kind: 'remove', ids: memberIds(operation.value) });
  }
  assertWithinLimits(membership);
  return { attributeOperations, membership: coalesce(membership) };
}

// Every member id and every filter costs work in the database or over the member list: both are capped.
function assertWithinLimits(changes: MembershipChange[]): void {
  let values = 0;
  let filters = 0;
  for (const change of changes) {
    if ('ids' in change) values += change.ids.length;
    if (change.kind === 'removeMatching') filters += change.filters.length;
  }
  if (values > ScimLimits.maxMemberValues) {
    throw ScimError.payloadTooLarge(`A request may name at most ${ScimLimits.maxMemberValues} members (got ${values}); send the change in several requests`);
  }
  if (filters > ScimLimits.maxMemberFilters) {
    throw ScimError.payloadTooLarge(
      `A request may carry at most ${ScimLimits.maxMemberFilters} filtered member removals other than members[value eq "…"] (got ${filters})`,
    );
  }
}

// Okta sends one remove op per member: adjacent adds, removes or filtered removes become one operation.
function coalesce(changes: MembershipChange[]): MembershipChange[] {
  const out: MembershipChange[] = [];
  for (const change of changes) {
    const last = out[out.length - 1];
    if (last && (change.kind === 'add' || change.kind === 'remove') && last.kind === change.kind) {
      out[out.length - 1] = { kind: change.kind, ids: [...last.ids, ...change.ids] };
    } else if (last?.kind === 'removeMatching' && change.kind === 'removeMatching') {
      out[out.length - 1] = { kind: 'removeMatching', filters: [...last.filters, ...change.filters] };
    } else {
      out.push(change);
    }
  }
  return out;
}

/** `[{value}]`, `{value}`, `["id"]` or `"id"` → ids; `$ref`, `display` and `type` are ignored. */
export function memberIds(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const id = isObject(item) ? item[findKeyIgnoreCase(item, 'value') ?? 'value'] : item;
    if (typeof id !== 'string' || !id.trim()) throw ScimError.invalidValue(`members[${i}] needs a "value" with the member's id`);
    return id.trim();
  });
}

// `value eq "a"` or `value eq "a" or value eq "b"` → ["a","b"]; anything else → undefined.
function valueEqualities(filter: BoundFilter): string[] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.attr.sub?.name === 'value' && typeof filter.value === 'string') return [filter.value];
  if (filter.kind === 'or') {
    const left = valueEqualities(filter.left);
    const right = valueEqualities(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}
