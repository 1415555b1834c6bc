import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import { findAttribute, type AttributeDefinition } from '../schema/attribute';
import { parseDateTime } from '../filter/bind';
import { isObject, type JsonObject } from './json';
import { assertText } from './text';

export interface CoerceOptions {
  /** Drop readOnly attributes silently (RFC 7644 §3.3: they are ignored in requests). */
  dropReadOnly: boolean;
  /** Label used in error messages, e.g. "emails[1].value". */
  path: string;
}

/**
 * Brings one incoming attribute value to its canonical, typed form, or returns undefined when it is
 * unassigned (null, "", [] or {} — RFC 7643 §2.5). Wrong types throw 400 invalidValue.
 */
export function coerceAttributeValue(def: AttributeDefinition, value: unknown, options: CoerceOptions): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.mutability === 'readOnly' && options.dropReadOnly) return undefined;
  if (def.multiValued) {
    // A single object is taken as a one-element list; a bare scalar is not a list of anything.
    if (!Array.isArray(value) && (typeof value !== 'object' || def.type !== 'complex')) {
      throw ScimError.invalidValue(`Attribute "${options.path}" is multi-valued: send an array`);
    }
    const items = Array.isArray(value) ? value : [value];
    const maxItems = def.maxItems ?? ScimLimits.maxMultiValuedItems;
    if (items.length > maxItems) throw ScimError.invalidValue(`Attribute "${options.path}" takes at most ${maxItems} values`);
    const out = items.map((item, i) => coerceSingle(def, item, { ...options, path: `${options.path}[${i}]` })).filter((item) => item !== undefined);
    const distinct = def.distinctValues ? mergeSameValues(out as JsonObject[], def) : out;
    if (def.type === 'complex') normalizePrimary(distinct as JsonObject[]);
    return distinct.length ? dedupe(distinct) : undefined;
  }
  if (Array.isArray(value)) {
    // Entra sends `manager` as [{"$ref":…,"value":…}] under path "manager": take the single element.
    if (def.type === 'complex' && value.length <= 1) return value.length ? coerceSingle(def, value[0], options) : undefined;
    throw ScimError.invalidValue(`Attribute "${options.path}" is single-valued but an array was sent`);
  }
  return coerceSingle(def, value, options);
}

function coerceSingle(def: AttributeDefinition, value: unknown, options: CoerceOptions): unknown {
  if (value === null || value === undefined) return undefined;
  const fail = (expected: string) => ScimError.invalidValue(`Attribute "${options.path}" must be ${expected}, got ${describe(value)}`);
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary': {
      // Templated IdPs (OneLogin, JumpCloud) send numbers for employee numbers and the like.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value !== 'string') throw fail('a string');
      assertText(value, options.path, def.maxLength ?? ScimLimits.maxStringLength);
      return value === '' ? undefined : value;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra ID without aadOptscim062020 and OneLogin templates send "True"/"False" strings.
      if (typeof value === 'string') {
        const lower = value.trim().toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
        if (lower === '') return undefined;
      }
      throw fail('true or false');
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
      throw fail('an integer');
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw fail('a number');
    case 'dateTime':
      if (typeof value === 'string' && parseDateTime(value)) return value;
      throw fail('an xsd:dateTime');
    case 'complex': {
      // A scalar given for a complex attribute is its `value` (Entra: manager as a plain id string).
      const object = isObject(value) ? value : { value };
      if (!isObject(value) && !findAttribute(def.subAttributes, 'value')) throw fail('an object');
      const out: JsonObject = {};
      for (const key of Object.keys(object)) {
        const sub = findAttribute(def.subAttributes, key);
        if (!sub) continue; // unknown sub-attributes are ignored, like unknown attributes
        const coerced = coerceAttributeValue(sub, object[key], { ...options, path: `${options.path}.${sub.name}` });
        if (coerced !== undefined) out[sub.name] = coerced;
      }
      if (!Object.keys(out).length) return undefined;
      // An element without what makes it one (an email with no address) is refused rather than stored.
      const missing = def.subAttributes?.find((sub) => sub.required && out[sub.name] === undefined);
      if (missing) throw ScimError.invalidValue(`Attribute "${options.path}.${missing.name}" is required`);
      return out;
    }
  }
}

// RFC 7643 §2.4: at most one element may be primary; keep the first one marked.
function normalizePrimary(items: JsonObject[]): void {
  let seen = false;
  for (const item of items) {
    if (item.primary === true) {
      if (seen) item.primary = false;
      seen = true;
    }
  }
}

// Roster's distinctValues rule (emails): one element per value; a later duplicate only contributes `primary`.
function mergeSameValues(items: JsonObject[], def: AttributeDefinition): JsonObject[] {
  const caseExact = findAttribute(def.subAttributes, 'value')?.caseExact ?? false;
  const byValue = new Map<string, JsonObject>();
  const out: JsonObject[] = [];
  for (const item of items) {
    if (typeof item.value !== 'string') {
      out.push(item);
      continue;
    }
    const key = caseExact ? item.value : item.value.toLowerCase();
    const first = byValue.get(key);
    if (!first) {
      byValue.set(key, item);
      out.push(item);
    } else if (item.primary === true) {
      first.primary = true;
    }
  }
  return out;
}

function dedupe(items: unknown[]): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}
