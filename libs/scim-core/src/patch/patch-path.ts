import { ScimError } from '../errors';
import { bindElementFilter, type BoundFilter } from '../filter/bind';
import { parseFilter } from '../filter/parser';
import { findAttribute, type AttributeDefinition, type SchemaDefinition } from '../schema/attribute';
import { findExtension, resolveAttribute, splitAttributePath, type ResolvedAttribute, type ResourceType } from '../schema/resource-type';

/** Where a PATCH operation points (RFC 7644 §3.5.2: attrPath / valuePath [ "." subAttr ]). */
export type PatchTarget =
  { kind: 'extension'; schema: SchemaDefinition } | { kind: 'attribute'; attr: ResolvedAttribute; filter?: BoundFilter; sub?: AttributeDefinition };

export function parsePatchPath(type: ResourceType, path: string): PatchTarget {
  const open = path.indexOf('[');
  if (open < 0) {
    const split = safeSplit(type, path);
    if ('extensionOnly' in split) return { kind: 'extension', schema: findExtension(type, split.extensionOnly)! };
    const attr = resolveAttribute(type, split);
    if (!attr) throw ScimError.invalidPath(`Unknown attribute "${path}"`);
    return { kind: 'attribute', attr: withoutSub(attr), sub: attr.sub };
  }
  const close = path.lastIndexOf(']');
  if (close < open) throw ScimError.invalidPath(`Unbalanced "[" in path "${path}"`);
  const head = path.slice(0, open);
  const inner = path.slice(open + 1, close);
  const tail = path.slice(close + 1);
  const split = safeSplit(type, head);
  if ('extensionOnly' in split || split.sub !== undefined) throw ScimError.invalidPath(`Invalid value path "${path}"`);
  const attr = resolveAttribute(type, split);
  if (!attr) throw ScimError.invalidPath(`Unknown attribute "${head}"`);
  if (attr.attribute.type !== 'complex') throw ScimError.invalidPath(`"${head}" is not complex and cannot take a filter`);
  let sub: AttributeDefinition | undefined;
  if (tail) {
    if (!/^\.[A-Za-z$][\w$-]*$/.test(tail)) throw ScimError.invalidPath(`Invalid sub-attribute "${tail}" in path "${path}"`);
    sub = findAttribute(attr.attribute.subAttributes, tail.slice(1));
    if (!sub) throw ScimError.invalidPath(`Unknown sub-attribute "${tail.slice(1)}" in path "${path}"`);
  }
  let filter: BoundFilter;
  try {
    filter = bindElementFilter(parseFilter(inner), type, attr);
  } catch (error) {
    if (error instanceof ScimError) throw ScimError.invalidPath(`Invalid filter in path "${path}": ${error.detail}`);
    throw error;
  }
  return { kind: 'attribute', attr, filter, sub };
}

function safeSplit(type: ResourceType, path: string) {
  try {
    return splitAttributePath(type, path);
  } catch (error) {
    if (error instanceof ScimError) throw ScimError.invalidPath(error.detail);
    throw error;
  }
}

function withoutSub(attr: ResolvedAttribute): ResolvedAttribute {
  if (!attr.sub) return attr;
  const local = attr.attribute.name;
  return { ...attr, sub: undefined, key: attr.extension ? `${attr.schemaUrn}:${local}` : local };
}
