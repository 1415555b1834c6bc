// RFC 7643 §7: the attribute characteristics that drive validation, filtering and projection.
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
  /** Roster's limit, in code points, for string values (ScimLimits.maxStringLength when absent). */
  maxLength?: number;
  /** Roster's limit on the values of a multi-valued attribute (ScimLimits.maxMultiValuedItems when absent). */
  maxItems?: number;
  /**
   * Roster's rule for multi-valued complex attributes: no two elements share a `value` (compared
   * case-insensitively unless caseExact). Duplicates are merged into the first, on every write.
   */
  distinctValues?: boolean;
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'subAttributes'>>;

const defaults = (name: string, type: AttributeType, options: Options): AttributeDefinition => ({
  name,
  type,
  multiValued: false,
  description: options.description ?? '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...options,
});

// Small builders so a schema reads like the RFC tables it comes from.
export const attr = {
  string: (name: string, options: Options = {}) => defaults(name, 'string', options),
  boolean: (name: string, options: Options = {}) => defaults(name, 'boolean', options),
  integer: (name: string, options: Options = {}) => defaults(name, 'integer', options),
  decimal: (name: string, options: Options = {}) => defaults(name, 'decimal', options),
  dateTime: (name: string, options: Options = {}) => defaults(name, 'dateTime', options),
  reference: (name: string, referenceTypes: string[], options: Options = {}) => defaults(name, 'reference', { referenceTypes, ...options }),
  complex: (name: string, subAttributes: AttributeDefinition[], options: Options = {}) => ({
    ...defaults(name, 'complex', options),
    subAttributes,
  }),
};

/** Sub-attributes shared by multi-valued attributes (RFC 7643 §2.4). */
export function multiValuedSubAttributes(valueType: AttributeDefinition, typeValues: string[], extra: AttributeDefinition[] = []): AttributeDefinition[] {
  return [
    valueType,
    attr.string('display', { maxLength: 512 }),
    attr.string('type', { canonicalValues: typeValues, maxLength: 64 }),
    attr.boolean('primary'),
    ...extra,
  ];
}

// Attribute lists by lower-cased name: every key of every resource rendered, filtered or patched is looked up
// here. A list that grew or shrank (a schema extended in place) is indexed again.
const byName = new WeakMap<readonly AttributeDefinition[], { length: number; index: Map<string, AttributeDefinition> }>();

/** The attribute of this list with this name, compared case-insensitively (RFC 7643 §2.1). */
export function findAttribute(attributes: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  if (!attributes) return undefined;
  let known = byName.get(attributes);
  if (known?.length !== attributes.length) {
    const index = new Map<string, AttributeDefinition>();
    for (const a of attributes) if (!index.has(a.name.toLowerCase())) index.set(a.name.toLowerCase(), a);
    known = { length: attributes.length, index };
    byName.set(attributes, known);
  }
  return known.index.get(name.toLowerCase());
}
