import { ScimError } from '../errors';
import { resolveAttribute, splitAttributePath, type ResolvedAttribute, type ResourceType } from '../schema/resource-type';
import type { AttributeDefinition } from '../schema/attribute';
import type { CompareOperator, Filter, Literal } from './ast';

export type BoundValue = string | number | boolean | Date;

/** A filter whose attribute paths are resolved against a resource type and whose values are typed. */
export type BoundFilter =
  | { kind: 'compare'; attr: ResolvedAttribute; op: CompareOperator; value: BoundValue }
  | { kind: 'present'; attr: ResolvedAttribute }
  | { kind: 'and' | 'or'; left: BoundFilter; right: BoundFilter }
  | { kind: 'not'; filter: BoundFilter }
  /** Some element of a multi-valued attribute matches `filter` (whose attrs all carry `sub`). */
  | { kind: 'some'; attr: ResolvedAttribute; filter: BoundFilter };

const ORDERED = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

/** Binds a parsed filter to a resource type: names are case-insensitive, unknown ones are errors. */
export function bindFilter(filter: Filter, type: ResourceType): BoundFilter {
  return new Binder(type).bind(filter, undefined);
}

class Binder {
  constructor(private readonly type: ResourceType) {}

  bind(filter: Filter, parent: ResolvedAttribute | undefined): BoundFilter {
    switch (filter.kind) {
      case 'and':
      case 'or':
        return { kind: filter.kind, left: this.bind(filter.left, parent), right: this.bind(filter.right, parent) };
      case 'not':
        return { kind: 'not', filter: this.bind(filter.filter, parent) };
      case 'valuePath': {
        const attr = this.resolve(filter.path, undefined);
        if (!attr.attribute.multiValued || attr.attribute.type !== 'complex' || attr.sub) {
          throw ScimError.invalidFilter(`"${filter.path}" is not a multi-valued complex attribute and cannot take a value filter`);
        }
        return { kind: 'some', attr, filter: this.bind(filter.filter, attr) };
      }
      case 'present':
      case 'compare': {
        const attr = this.resolve(filter.path, parent);
        const leaf = this.leaf(attr, filter.path);
        const bound: BoundFilter = filter.kind === 'present' ? { kind: 'present', attr: leaf } : this.compare(leaf, filter.op, filter.value, filter.path);
        // `emails.value eq "x"` outside brackets means: some email has that value.
        if (!parent && leaf.attribute.multiValued) {
          return { kind: 'some', attr: { ...leaf, sub: undefined, key: parentKey(leaf) }, filter: bound };
        }
        return bound;
      }
    }
  }

  private resolve(path: string, parent: ResolvedAttribute | undefined): ResolvedAttribute {
    let resolved: ResolvedAttribute | undefined;
    try {
      if (parent) {
        if (path.includes('.') || /^urn:/i.test(path)) throw new Error('qualified');
        resolved = resolveAttribute(this.type, { uri: parent.extension ? parent.schemaUrn : undefined, name: parent.attribute.name, sub: path });
      } else {
        const split = splitAttributePath(this.type, path);
        if ('extensionOnly' in split) throw new Error('extension');
        resolved = resolveAttribute(this.type, split);
      }
    } catch {
      resolved = undefined;
    }
    if (!resolved) throw ScimError.invalidFilter(`Unknown attribute "${path}" in filter`);
    if (resolved.attribute.returned === 'never' || resolved.sub?.returned === 'never') {
      throw ScimError.invalidFilter(`Attribute "${path}" cannot be filtered on`);
    }
    return resolved;
  }

  // A complex attribute named without sub-attribute compares its `value` (members eq, manager eq, emails co).
  private leaf(attr: ResolvedAttribute, _path: string): ResolvedAttribute {
    if (attr.attribute.type !== 'complex' || attr.sub) return attr;
    const value = attr.attribute.subAttributes?.find((s) => s.name === 'value');
    if (!value) return attr; // only `pr` makes sense; compare() rejects the rest
    return { ...attr, sub: value, key: `${attr.key}.value` };
  }

  private compare(attr: ResolvedAttribute, op: CompareOperator, literal: Literal, path: string): BoundFilter {
    const def: AttributeDefinition = attr.sub ?? attr.attribute;
    if (def.type === 'complex') throw ScimError.invalidFilter(`Complex attribute "${path}" can only be tested with "pr"`);
    if (literal === null) {
      // `attr eq null` is "not present", `attr ne null` is "present" (RFC 7643 §2.5: null is unassigned).
      if (op === 'eq') return { kind: 'not', filter: { kind: 'present', attr } };
      if (op === 'ne') return { kind: 'present', attr };
      throw ScimError.invalidFilter(`Operator "${op}" cannot compare with null`);
    }
    const fail = (why: string) => ScimError.invalidFilter(`Invalid filter on "${path}": ${why}`);
    switch (def.type) {
      case 'string':
      case 'reference':
      case 'binary':
        if (typeof literal !== 'string') throw fail('expected a string value');
        return { kind: 'compare', attr, op, value: literal };
      case 'boolean': {
        if (ORDERED.has(op) || SUBSTRING.has(op)) throw fail(`operator "${op}" does not apply to booleans`);
        const value = typeof literal === 'string' ? parseBooleanText(literal) : literal;
        if (typeof value !== 'boolean') throw fail('expected true or false');
        return { kind: 'compare', attr, op, value };
      }
      case 'integer':
      case 'decimal':
        if (SUBSTRING.has(op)) throw fail(`operator "${op}" does not apply to numbers`);
        if (typeof literal !== 'number') throw fail('expected a number');
        return { kind: 'compare', attr, op, value: literal };
      case 'dateTime': {
        if (SUBSTRING.has(op)) throw fail(`operator "${op}" does not apply to dates`);
        const date = typeof literal === 'string' ? parseDateTime(literal) : undefined;
        if (!date) throw fail('expected an xsd:dateTime such as "2024-01-31T12:00:00Z"');
        return { kind: 'compare', attr, op, value: date };
      }
    }
  }
}

function parentKey(attr: ResolvedAttribute): string {
  const local = attr.attribute.name;
  return attr.extension ? `${attr.schemaUrn}:${local}` : local;
}

export function parseBooleanText(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export function parseDateTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  // xsd:dateTime has no year 0000 and PostgreSQL's timestamptz refuses it: years 0001-9999 (in UTC) only.
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : undefined;
}

/** Binds the filter inside `emails[...]` (a PATCH value path): names resolve to sub-attributes of `parent`. */
export function bindElementFilter(filter: Filter, type: ResourceType, parent: ResolvedAttribute): BoundFilter {
  return new Binder(type).bind(filter, parent);
}
