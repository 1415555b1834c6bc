import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import { matchesElement } from '../filter/evaluate';
import type { BoundFilter } from '../filter/bind';
import { coerceAttributeValue } from '../resource/coerce';
import { toResourceDocument, type ResourceDocument } from '../resource/document';
import { deepClone, deepEqual, findKeyIgnoreCase, isObject, type JsonObject } from '../resource/json';
import { findAttribute, type AttributeDefinition } from '../schema/attribute';
import { commonAttributes, findExtension, type ResourceType } from '../schema/resource-type';
import { parsePatchPath, type PatchTarget } from './patch-path';
import { parsePatchRequest, type PatchOperation } from './patch-request';
import { normaliseOperations } from './quirks';

export interface PatchResult {
  document: ResourceDocument;
  changed: boolean;
}

/**
 * Applies a PatchOp body to a resource document (RFC 7644 §3.5.2), atomically: the input is not
 * modified, and any failing operation fails the whole request.
 */
export function applyPatch(type: ResourceType, document: ResourceDocument, body: unknown, resourceId: string): PatchResult {
  const operations = normaliseOperations(parsePatchRequest(body), { type, resourceId });
  return applyOperations(type, document, operations);
}

export function applyOperations(type: ResourceType, document: ResourceDocument, operations: PatchOperation[]): PatchResult {
  const working = deepClone(document);
  for (const operation of operations) new OperationApplier(type, working).apply(operation);
  // The result passes through the same canonicalisation as a POST body (one primary, distinct emails,
  // limits, required attributes), so a stored document always satisfies the rules a POST enforces.
  const canonical = toResourceDocument(type, working);
  return { document: canonical, changed: !deepEqual(canonical, document) };
}

class OperationApplier {
  constructor(
    private readonly type: ResourceType,
    private readonly document: ResourceDocument,
  ) {}

  apply(operation: PatchOperation): void {
    if (operation.path === undefined) {
      if (operation.op === 'remove') throw ScimError.noTarget('"remove" requires a path');
      if (!isObject(operation.value)) throw ScimError.invalidValue(`A path-less "${operation.op}" needs an object value`);
      this.applyObject(operation.op, operation.value);
      return;
    }
    this.applyTarget(operation.op, parsePatchPath(this.type, operation.path), operation.value, operation.path);
  }

  // RFC 7644 §3.5.2.1/3: no path — the value's attributes are added to / replace those of the resource.
  private applyObject(op: 'add' | 'replace', value: JsonObject): void {
    for (const key of Object.keys(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      const extension = /^urn:/i.test(key) ? findExtension(this.type, key) : undefined;
      if (extension) {
        this.applyTarget(op, { kind: 'extension', schema: extension }, value[key], key);
        continue;
      }
      const attribute = findAttribute(this.type.schema.attributes, key) ?? findAttribute(commonAttributes, key);
      // Path-less values echo what clients read (Okta: id, meta, groups): readOnly and unknown keys are ignored.
      if (!attribute || attribute.mutability === 'readOnly') continue;
      this.applyAttribute(op, this.document, attribute, undefined, undefined, value[key], key);
    }
  }

  private applyTarget(op: PatchOperation['op'], target: PatchTarget, value: unknown, label: string): void {
    if (target.kind === 'extension') {
      const urn = target.schema.id;
      if (op === 'remove') {
        delete this.document[urn];
        return;
      }
      if (!isObject(value)) throw ScimError.invalidValue(`"${urn}" needs an object value`);
      const container = this.container(urn, true)!;
      for (const key of Object.keys(value)) {
        const attribute = findAttribute(target.schema.attributes, key);
        if (!attribute || attribute.mutability === 'readOnly') continue;
        this.applyAttribute(op, container, attribute, undefined, undefined, value[key], `${urn}:${key}`);
      }
      this.dropEmpty(urn);
      return;
    }
    const { attr, filter, sub } = target;
    const def = attr.attribute;
    if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') throw ScimError.mutability(`Attribute "${label}" is readOnly`);
    const containerKey = attr.extension ? attr.schemaUrn : undefined;
    const container = this.container(containerKey, op !== 'remove');
    if (!container) return; // removing from an extension that holds nothing: nothing to do
    this.applyAttribute(op, container, def, filter, sub, value, label);
    if (containerKey) this.dropEmpty(containerKey);
  }

  private applyAttribute(
    op: PatchOperation['op'],
    container: JsonObject,
    def: AttributeDefinition,
    filter: BoundFilter | undefined,
    sub: AttributeDefinition | undefined,
    value: unknown,
    label: string,
  ): void {
    if (def.mutability === 'writeOnly') return; // password: accepted and discarded
    const key = findKeyIgnoreCase(container, def.name) ?? def.name;
    if (key !== def.name) {
      container[def.name] = container[key];
      delete container[key];
    }
    if (filter) return this.applyFiltered(op, container, def, filter, sub, value, label);
    if (sub) return this.applySubAttribute(op, container, def, sub, value, label);

    const current = container[def.name];
    if (op === 'remove') {
      if (value !== undefined && value !== null && def.multiValued && Array.isArray(current)) {
        container[def.name] = removeMatchingValues(current, value);
      } else {
        delete container[def.name];
      }
    } else {
      const coerced = coerceAttributeValue(def, value, { dropReadOnly: false, path: label });
      if (coerced === undefined) {
        // RFC 7643 §2.5: null / "" / [] is unassigned — an add of nothing changes nothing, a replace clears.
        if (op === 'replace') delete container[def.name];
      } else if (def.multiValued) {
        container[def.name] = op === 'add' ? withinItemLimit(def, mergeElements(current, coerced as unknown[]), label) : coerced;
      } else if (def.type === 'complex' && isObject(current)) {
        // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged.
        container[def.name] = { ...current, ...(coerced as JsonObject) };
      } else {
        container[def.name] = coerced;
      }
    }
    this.cleanup(container, def.name);
  }

  private applySubAttribute(
    op: PatchOperation['op'],
    container: JsonObject,
    def: AttributeDefinition,
    sub: AttributeDefinition,
    value: unknown,
    label: string,
  ): void {
    const coerced = op === 'remove' ? undefined : coerceAttributeValue(sub, value, { dropReadOnly: false, path: label });
    const assign = (element: JsonObject) => {
      if (coerced === undefined) {
        if (op !== 'add') delete element[sub.name];
      } else element[sub.name] = coerced;
    };
    if (def.multiValued) {
      const items = Array.isArray(container[def.name]) ? (container[def.name] as JsonObject[]) : [];
      items.forEach(assign);
    } else {
      const element = isObject(container[def.name]) ? (container[def.name] as JsonObject) : {};
      assign(element);
      container[def.name] = element;
    }
    this.cleanup(container, def.name);
  }

  private applyFiltered(
    op: PatchOperation['op'],
    container: JsonObject,
    def: AttributeDefinition,
    filter: BoundFilter,
    sub: AttributeDefinition | undefined,
    value: unknown,
    label: string,
  ): void {
    const current = container[def.name];
    const items: JsonObject[] = def.multiValued ? (Array.isArray(current) ? (current as JsonObject[]) : []) : isObject(current) ? [current] : [];
    const matched = items.filter((item) => matchesElement(filter, item));
    const isMatched = new Set(matched);

    if (op === 'remove') {
      // Removing what is not there is a no-op (Okta removes absent members; Entra re-sends removals).
      if (!sub) {
        const remaining =
          value !== undefined && value !== null ? items.filter((i) => !isMatched.has(i) || !deepEqualLoose(i, value)) : items.filter((i) => !isMatched.has(i));
        container[def.name] = def.multiValued ? remaining : remaining[0];
      } else {
        for (const item of matched) {
          // Entra: {"op":"Remove","path":"emails[type eq \"work\"].value","value":"old@x"} removes only if equal.
          if (value === undefined || value === null || deepEqualLoose(item[sub.name], value)) delete item[sub.name];
        }
        if (def.multiValued)
          container[def.name] = items.filter((i) => Object.keys(i).length && (i.value !== undefined || !findAttribute(def.subAttributes, 'value')));
      }
      this.cleanup(container, def.name);
      return;
    }

    if (!matched.length) {
      const created = createOnAbsent(def, filter, sub, value, label);
      if (!created) throw ScimError.noTarget(`No value of "${label}" matches the filter`);
      container[def.name] = def.multiValued ? withinItemLimit(def, mergeElements(current, [created]), label) : created;
      this.cleanup(container, def.name);
      return;
    }
    for (const item of matched) {
      if (sub) {
        const coerced = coerceAttributeValue(sub, value, { dropReadOnly: false, path: label });
        if (coerced === undefined) delete item[sub.name];
        else item[sub.name] = coerced;
      } else {
        const coerced = coerceAttributeValue({ ...def, multiValued: false }, value, { dropReadOnly: false, path: label });
        if (isObject(coerced)) Object.assign(item, coerced);
      }
    }
    if (def.multiValued) {
      container[def.name] = (container[def.name] as JsonObject[]).filter((i) => Object.keys(i).length);
      if (sub?.name === 'primary' && value !== undefined) enforceSinglePrimary(container[def.name] as JsonObject[], matched);
    }
    this.cleanup(container, def.name);
  }

  private container(extensionUrn: string | undefined, create: boolean): JsonObject | undefined {
    if (!extensionUrn) return this.document;
    if (!isObject(this.document[extensionUrn])) {
      if (!create) return undefined;
      this.document[extensionUrn] = {};
    }
    return this.document[extensionUrn] as JsonObject;
  }

  private dropEmpty(urn: string): void {
    const value = this.document[urn];
    if (isObject(value) && !Object.keys(value).length) delete this.document[urn];
  }

  private cleanup(container: JsonObject, name: string): void {
    const value = container[name];
    if (value === undefined || (Array.isArray(value) && !value.length) || (isObject(value) && !Object.keys(value).length)) {
      delete container[name];
    }
  }
}

/**
 * Entra ID adds to value paths that match nothing and expects the element to be created:
 *   {"op":"Add","path":"emails[type eq \"work\"].value","value":"x@y"}
 * Policy (docs/idp-behaviour.md): when the filter is only `eq` conditions joined by `and`, add and replace
 * create the element from those conditions plus the value; any other filter is 400 noTarget.
 */
export function createOnAbsent(
  def: AttributeDefinition,
  filter: BoundFilter,
  sub: AttributeDefinition | undefined,
  value: unknown,
  label: string,
): JsonObject | undefined {
  const seed = equalityConditions(filter);
  if (!seed) return undefined;
  const element: JsonObject = { ...seed };
  if (sub) {
    const coerced = coerceAttributeValue(sub, value, { dropReadOnly: false, path: label });
    if (coerced === undefined) return undefined;
    element[sub.name] = coerced;
  } else if (isObject(value)) {
    Object.assign(element, value);
  }
  const coerced = coerceAttributeValue({ ...def, multiValued: false }, element, { dropReadOnly: false, path: label });
  return isObject(coerced) ? coerced : undefined;
}

function equalityConditions(filter: BoundFilter): JsonObject | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.attr.sub && !(filter.value instanceof Date)) {
    return { [filter.attr.sub.name]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = equalityConditions(filter.left);
    const right = equalityConditions(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

/**
 * `remove` with a value on a multi-valued attribute removes the listed values, never everything —
 * Entra ID's default member removal: {"op":"Remove","path":"members","value":[{"$ref":null,"value":"f648…"}]}.
 */
export function removeMatchingValues(items: unknown[], value: unknown): unknown[] {
  const targets: JsonObject[] = (Array.isArray(value) ? value : [value]).map((v) => (isObject(v) ? v : { value: v }));
  // Targets with a `value` are looked up in a set (linear in items + targets); others compare whole.
  const values = new Set<unknown>();
  const wholes: JsonObject[] = [];
  for (const target of targets) {
    const key = findKeyIgnoreCase(target, 'value');
    if (key !== undefined) values.add(target[key]);
    else wholes.push(target);
  }
  return items.filter((item) => {
    if (isObject(item) && item.value !== undefined ? values.has(item.value) : values.has(item)) return false;
    return !wholes.some((target) => deepEqual(item, target));
  });
}

/** Two elements are the same when their `value` sub-attributes match, else when they are equal. */
function deepEqualLoose(item: unknown, target: unknown): boolean {
  if (isObject(item) && isObject(target)) {
    const a = item.value;
    const key = findKeyIgnoreCase(target, 'value');
    if (a !== undefined && key !== undefined) return a === target[key];
  }
  if (isObject(item) && !isObject(target)) return item.value === target;
  return deepEqual(item, target);
}

// Checked after every operation, so no sequence of operations can grow a list past the limit midway.
function withinItemLimit(def: AttributeDefinition, items: unknown[], label: string): unknown[] {
  const max = def.maxItems ?? ScimLimits.maxMultiValuedItems;
  if (items.length > max) throw ScimError.invalidValue(`Attribute "${label}" takes at most ${max} values`);
  return items;
}

// Linear in both lists: elements are found by (value, type) and by their JSON text, never by scanning.
function mergeElements(current: unknown, additions: unknown[]): unknown[] {
  const existing = Array.isArray(current) ? [...current] : [];
  const byValueAndType = new Map<string, number>();
  const texts = new Set<string>();
  const valueKey = (e: unknown) => (isObject(e) && e.value !== undefined ? JSON.stringify([e.value, e.type ?? null]) : undefined);
  existing.forEach((e, i) => {
    const key = valueKey(e);
    if (key !== undefined && !byValueAndType.has(key)) byValueAndType.set(key, i);
    texts.add(JSON.stringify(e));
  });
  for (const item of additions) {
    const key = valueKey(item);
    const same = key !== undefined ? byValueAndType.get(key) : undefined;
    if (same !== undefined) {
      existing[same] = { ...(existing[same] as JsonObject), ...(item as JsonObject) };
    } else if (!texts.has(JSON.stringify(item))) {
      if (key !== undefined) byValueAndType.set(key, existing.length);
      texts.add(JSON.stringify(item));
      existing.push(item);
    }
  }
  const primaries = existing.filter((e) => isObject(e) && e.primary === true) as JsonObject[];
  if (primaries.length > 1) enforceSinglePrimary(existing as JsonObject[], [primaries[primaries.length - 1]]);
  return existing;
}

// RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once.
function enforceSinglePrimary(items: JsonObject[], winners: JsonObject[]): void {
  const winner = winners.find((w) => w.primary === true);
  if (!winner) return;
  for (const item of items) if (item !== winner && item.primary === true) item.primary = false;
}
