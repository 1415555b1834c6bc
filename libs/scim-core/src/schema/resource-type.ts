import { attr, findAttribute, type AttributeDefinition, type SchemaDefinition } from './attribute';
import { ScimError } from '../errors';

export interface ResourceType {
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: SchemaDefinition;
  extensions: { schema: SchemaDefinition; required: boolean }[];
  /**
   * Defaults this resource type derives before required attributes are checked (on POST, PUT and after
   * every PATCH alike), e.g. a User's email from an email-shaped userName.
   */
  complete?: (document: Record<string, unknown>) => void;
}

// RFC 7643 §3.1: attributes every resource carries, outside any schema's attribute list.
export const commonAttributes: AttributeDefinition[] = [
  attr.string('id', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr.string('externalId', { caseExact: true, maxLength: 512 }),
  attr.complex(
    'meta',
    [
      attr.string('resourceType', { caseExact: true, mutability: 'readOnly' }),
      attr.dateTime('created', { mutability: 'readOnly' }),
      attr.dateTime('lastModified', { mutability: 'readOnly' }),
      attr.reference('location', ['uri'], { mutability: 'readOnly' }),
      attr.string('version', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

/** An attribute path resolved against a resource type: which schema, which attribute, which sub-attribute. */
export interface ResolvedAttribute {
  /** Schema URN the attribute belongs to (the core schema for common attributes). */
  schemaUrn: string;
  /** True when the attribute lives under an extension URN key in the resource. */
  extension: boolean;
  attribute: AttributeDefinition;
  sub?: AttributeDefinition;
  /** Canonical dotted key: `emails.value`, `urn:…:User:department`. Used by storage mappings. */
  key: string;
}

export interface AttributeReference {
  uri?: string;
  name: string;
  sub?: string;
}

export function schemaUrns(type: ResourceType): string[] {
  return [type.schema.id, ...type.extensions.map((e) => e.schema.id)];
}

export function findExtension(type: ResourceType, urn: string): SchemaDefinition | undefined {
  const lower = urn.toLowerCase();
  return type.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/**
 * Splits `urn:…:User:manager.value` or `name.givenName` into uri, name and sub-attribute.
 * Known schema URNs are matched as prefixes because URNs themselves contain dots and colons.
 * Returns undefined for a path that names only an extension (the whole extension object).
 */
export function splitAttributePath(type: ResourceType, raw: string): AttributeReference | { extensionOnly: string } {
  let uri: string | undefined;
  let rest = raw;
  if (/^urn:/i.test(raw)) {
    const lower = raw.toLowerCase();
    const match = schemaUrns(type).find((urn) => lower === urn.toLowerCase() || lower.startsWith(urn.toLowerCase() + ':'));
    if (!match) throw ScimError.invalidPath(`Unknown schema in attribute path "${raw}"`);
    if (lower === match.toLowerCase()) return { extensionOnly: match };
    uri = match;
    rest = raw.slice(match.length + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => !/^\$?[A-Za-z][\w$-]*$/.test(p))) {
    throw ScimError.invalidPath(`Invalid attribute path "${raw}"`);
  }
  return { uri, name: parts[0], sub: parts[1] };
}

/** Resolves a reference against the resource type; undefined when no such attribute exists. */
export function resolveAttribute(type: ResourceType, ref: AttributeReference): ResolvedAttribute | undefined {
  let schemaUrn = type.schema.id;
  let extension = false;
  let attribute: AttributeDefinition | undefined;
  if (ref.uri && ref.uri.toLowerCase() !== type.schema.id.toLowerCase()) {
    const ext = findExtension(type, ref.uri);
    if (!ext) return undefined;
    schemaUrn = ext.id;
    extension = true;
    attribute = findAttribute(ext.attributes, ref.name);
  } else {
    attribute = findAttribute(type.schema.attributes, ref.name) ?? findAttribute(commonAttributes, ref.name);
    // Unqualified names that only an extension defines (Entra: `manager eq "…"`) resolve to that extension.
    if (!attribute) {
      for (const ext of type.extensions) {
        const found = findAttribute(ext.schema.attributes, ref.name);
        if (found) {
          schemaUrn = ext.schema.id;
          extension = true;
          attribute = found;
          break;
        }
      }
    }
  }
  if (!attribute) return undefined;
  let sub: AttributeDefinition | undefined;
  if (ref.sub !== undefined) {
    sub = findAttribute(attribute.subAttributes, ref.sub);
    if (!sub) return undefined;
  }
  const local = sub ? `${attribute.name}.${sub.name}` : attribute.name;
  return { schemaUrn, extension, attribute, sub, key: extension ? `${schemaUrn}:${local}` : local };
}
