import { findAttribute, type AttributeDefinition } from '../schema/attribute';
import { commonAttributes, findExtension, splitAttributePath, type ResourceType } from '../schema/resource-type';
import { isObject, type JsonObject } from '../resource/json';

export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Parses the comma-separated `attributes` / `excludedAttributes` query values (RFC 7644 §3.4.2.5). */
export function parseAttributeList(raw: unknown): string[] | undefined {
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Selection {
  /** attribute key (lower) → selected sub-attributes (lower), or undefined for the whole attribute */
  core: Map<string, Set<string> | undefined>;
  extensions: Map<string, Map<string, Set<string> | undefined>>;
  wholeExtensions: Set<string>;
}

/**
 * Applies the `returned` characteristics and the attributes/excludedAttributes parameters to a full
 * resource representation. `id` and `schemas` are always returned; writeOnly attributes never are.
 */
export function projectResource(type: ResourceType, resource: JsonObject, projection: Projection = {}): JsonObject {
  const include = projection.attributes?.length ? select(type, projection.attributes) : undefined;
  const exclude = !include && projection.excludedAttributes?.length ? select(type, projection.excludedAttributes) : undefined;
  const out: JsonObject = {};
  for (const key of Object.keys(resource)) {
    const value = resource[key];
    if (key === 'schemas') {
      out[key] = value;
      continue;
    }
    const extension = /^urn:/i.test(key) ? findExtension(type, key) : undefined;
    if (extension) {
      const projected = projectExtension(extension.id, extension.attributes, value, include, exclude);
      if (projected && Object.keys(projected).length) out[key] = projected;
      continue;
    }
    const def = findAttribute(type.schema.attributes, key) ?? findAttribute(commonAttributes, key);
    if (!def) continue;
    const projected = projectAttribute(def, value, include?.core, exclude?.core);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

/** Whether a projection asks for anything but the default representation. */
export function isDefaultProjection(projection: Projection): boolean {
  return !projection.attributes?.length && !projection.excludedAttributes?.length;
}

/**
 * Whether the default representation of a stored document (canonical: toResourceDocument keeps only the
 * client-writable attributes the schema defines) leaves every attribute of it in place, so that it can be
 * sent as it is stored. Not so when an attribute the client may write is returned only on request or never.
 */
export function rendersAsStored(type: ResourceType): boolean {
  let answer = storedRenderings.get(type);
  if (answer === undefined) {
    // writeOnly and readOnly values are never stored, whatever they return.
    const stored = (def: AttributeDefinition) => def.mutability !== 'writeOnly' && def.mutability !== 'readOnly';
    const hidden = (def: AttributeDefinition): boolean =>
      stored(def) && (def.returned === 'never' || def.returned === 'request' || !!def.subAttributes?.some(hidden));
    answer = ![...type.schema.attributes, ...commonAttributes, ...type.extensions.flatMap((e) => e.schema.attributes)].some(hidden);
    storedRenderings.set(type, answer);
  }
  return answer;
}

const storedRenderings = new WeakMap<ResourceType, boolean>();

function projectExtension(
  urn: string,
  definitions: AttributeDefinition[],
  value: unknown,
  include: Selection | undefined,
  exclude: Selection | undefined,
): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const lower = urn.toLowerCase();
  if (exclude?.wholeExtensions.has(lower)) return undefined;
  const whole = include?.wholeExtensions.has(lower);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const def = findAttribute(definitions, key);
    if (!def) continue;
    const projected = projectAttribute(
      def,
      value[key],
      whole ? undefined : include ? (include.extensions.get(lower) ?? new Map()) : undefined,
      exclude?.extensions.get(lower),
    );
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

function projectAttribute(
  def: AttributeDefinition,
  value: unknown,
  include: Map<string, Set<string> | undefined> | undefined,
  exclude: Map<string, Set<string> | undefined> | undefined,
): unknown {
  if (def.returned === 'never') return undefined;
  if (def.returned === 'always') return value;
  const name = def.name.toLowerCase();
  if (include) {
    if (!include.has(name)) return undefined;
    const subs = include.get(name);
    return subs ? pickSubs(def, value, (s) => subs.has(s)) : value;
  }
  if (def.returned === 'request') return undefined;
  if (exclude?.has(name)) {
    const subs = exclude.get(name);
    if (!subs) return undefined;
    return pickSubs(def, value, (s) => !subs.has(s));
  }
  return stripNeverReturned(def, value);
}

function pickSubs(def: AttributeDefinition, value: unknown, keep: (sub: string) => boolean): unknown {
  const pick = (item: unknown) => {
    if (!isObject(item)) return item;
    const out: JsonObject = {};
    for (const key of Object.keys(item)) if (keep(key.toLowerCase())) out[key] = item[key];
    return Object.keys(out).length ? out : undefined;
  };
  if (Array.isArray(value)) {
    const items = value.map(pick).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  return def.type === 'complex' ? pick(value) : value;
}

// Whether a complex attribute has sub-attributes never returned, asked of every value of it rendered.
const hidesSubAttributes = new WeakMap<AttributeDefinition, boolean>();

function stripNeverReturned(def: AttributeDefinition, value: unknown): unknown {
  if (def.type !== 'complex') return value;
  let hides = hidesSubAttributes.get(def);
  if (hides === undefined) hidesSubAttributes.set(def, (hides = !!def.subAttributes?.some((s) => s.returned === 'never')));
  if (!hides) return value;
  return pickSubs(def, value, (s) => findAttribute(def.subAttributes, s)?.returned !== 'never');
}

function select(type: ResourceType, paths: string[]): Selection {
  const selection: Selection = { core: new Map(), extensions: new Map(), wholeExtensions: new Set() };
  for (const path of paths) {
    let split;
    try {
      split = splitAttributePath(type, path);
    } catch {
      continue; // RFC 7644 §3.4.2.5 does not make unknown names an error; they select nothing
    }
    if ('extensionOnly' in split) {
      selection.wholeExtensions.add(split.extensionOnly.toLowerCase());
      continue;
    }
    let target = selection.core;
    if (split.uri && split.uri.toLowerCase() !== type.schema.id.toLowerCase()) {
      const key = split.uri.toLowerCase();
      if (!selection.extensions.has(key)) selection.extensions.set(key, new Map());
      target = selection.extensions.get(key)!;
    }
    const name = split.name.toLowerCase();
    if (split.sub === undefined) {
      target.set(name, undefined);
    } else if (!target.has(name) || target.get(name) !== undefined) {
      const subs = target.get(name) ?? new Set<string>();
      subs.add(split.sub.toLowerCase());
      target.set(name, subs);
    }
  }
  return selection;
}
