import { ScimError } from '../errors';
import { findAttribute, type AttributeDefinition } from '../schema/attribute';
import { commonAttributes, findExtension, type ResourceType } from '../schema/resource-type';
import { coerceAttributeValue } from './coerce';
import { isObject, type JsonObject } from './json';

/**
 * The client-writable part of a resource, in canonical form: core attributes under their schema names,
 * extension attributes under `{ [urn]: {...} }`, externalId included; id, meta, schemas, readOnly and
 * writeOnly attributes excluded. This is what is stored and what PATCH operates on.
 */
export type ResourceDocument = JsonObject;

/**
 * Validates and canonicalises a POST/PUT body (RFC 7644 §3.3, §3.5.1). Unknown attributes, unknown schema
 * URNs, readOnly values and nulls are ignored; extension data is read whether or not its URN is in
 * `schemas` (Entra never lists custom URNs); wrong types are 400 invalidValue; password is discarded.
 */
export function toResourceDocument(type: ResourceType, body: unknown): ResourceDocument {
  if (!isObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const document: ResourceDocument = {};
  for (const key of Object.keys(body)) {
    const value = body[key];
    const extension = /^urn:/i.test(key) ? findExtension(type, key) : undefined;
    if (extension) {
      if (value === null || value === undefined) continue;
      if (!isObject(value)) throw ScimError.invalidValue(`"${extension.id}" must be an object`);
      const ext = coerceAttributes(extension.attributes, value, extension.id);
      if (Object.keys(ext).length) document[extension.id] = ext;
      continue;
    }
    const def = findAttribute(type.schema.attributes, key) ?? externalIdOnly(key);
    if (!def || def.mutability === 'writeOnly') continue;
    const coerced = coerceAttributeValue(def, value, { dropReadOnly: true, path: def.name });
    if (coerced !== undefined) document[def.name] = coerced;
  }
  assertRequired(type, document);
  return document;
}

export function coerceAttributes(definitions: AttributeDefinition[], value: JsonObject, label: string): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const def = findAttribute(definitions, key);
    if (!def || def.mutability === 'writeOnly') continue;
    const coerced = coerceAttributeValue(def, value[key], { dropReadOnly: true, path: `${label}:${def.name}` });
    if (coerced !== undefined) out[def.name] = coerced;
  }
  return out;
}

/** RFC 7643 §2.2: required attributes must be present after every write. */
export function assertRequired(type: ResourceType, document: ResourceDocument): void {
  type.complete?.(document);
  for (const def of type.schema.attributes) {
    if (def.required && document[def.name] === undefined) {
      throw ScimError.invalidValue(`Attribute "${def.name}" is required`);
    }
  }
}

function externalIdOnly(key: string): AttributeDefinition | undefined {
  // Of the common attributes only externalId is client-writable; id and meta are readOnly.
  const def = findAttribute(commonAttributes, key);
  return def?.name === 'externalId' ? def : undefined;
}
