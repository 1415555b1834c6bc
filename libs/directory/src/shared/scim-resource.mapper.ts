import { etagOf } from '@roster/platform';
import type { JsonObject, ResourceType } from '@roster/scim-core';
import { isoTime } from './iso-time';
import type { ScimResourceEntity } from './scim-resource.entity';

/**
 * Entity → full SCIM representation (before attributes/excludedAttributes projection): schemas (core
 * plus the extensions the document holds), id, the document (externalId included) in its stored order,
 * resource-specific attributes computed outside the document, and meta (RFC 7643 §3.1). A page renders
 * the same from the document's text (storedResourceText).
 */
export function toScimResource(type: ResourceType, entity: RenderableResource, baseUrl: string, computed: JsonObject): JsonObject {
  const document = entity.document;
  return {
    schemas: schemasOf(type, (urn) => urn in document),
    id: entity.id,
    ...document,
    ...computed,
    meta: resourceMeta(type, entity, baseUrl),
  };
}

/** What rendering a resource reads of its row. */
export type RenderableResource = Pick<ScimResourceEntity, 'id' | 'document' | 'version' | 'createdAt' | 'updatedAt'>;

/** What a resource is rendered from when its document is still the text the database returned. */
export type StoredResource = Omit<RenderableResource, 'document'> & { documentText: string };

/**
 * The same representation as toScimResource, as JSON text around the stored document's own text: a page
 * of resources is sent without parsing and re-serialising documents. Only for the default representation
 * of a type whose stored documents render as they are (rendersAsStored); `computed` is JSON members to
 * add, each led by a comma (`,"groups":[…]`).
 */
export function storedResourceText(type: ResourceType, resource: StoredResource, baseUrl: string, computed = ''): string {
  const text = resource.documentText;
  // Both databases return a document's text as a bare object, braces first and last.
  const members = text.slice(1, -1);
  return `{"schemas":${schemasText(type, text)},"id":${JSON.stringify(resource.id)}${members ? `,${members}` : ''}${computed},"meta":${metaText(type, resource, baseUrl)}}`;
}

/**
 * `schemas` of a stored document's text. Its extensions' names share a beginning, looked for once: a document
 * that holds none (most) is answered without a search per extension, one that does is searched from there.
 */
function schemasText(type: ResourceType, documentText: string): string {
  const texts = renderedSchemas(type);
  const from = texts.extensionNamesStart === undefined ? -1 : documentText.indexOf(texts.extensionNamesStart);
  return from < 0 ? texts.coreOnly : JSON.stringify(schemasOf(type, (urn) => holdsMember(documentText, urn, from)));
}

interface RenderedSchemas {
  coreOnly: string;
  /** What every extension's member name begins with; undefined for a type without extensions. */
  extensionNamesStart?: string;
}

const schemaTexts = new WeakMap<ResourceType, RenderedSchemas>();

function renderedSchemas(type: ResourceType): RenderedSchemas {
  let texts = schemaTexts.get(type);
  if (!texts) {
    const names = type.extensions.map((extension) => `"${extension.schema.id}":`);
    let start = names[0];
    for (const name of names) while (start !== undefined && !name.startsWith(start)) start = start.slice(0, -1);
    texts = { coreOnly: JSON.stringify([type.schema.id]), extensionNamesStart: start };
    schemaTexts.set(type, texts);
  }
  return texts;
}

/** resourceMeta as JSON text, written directly: its timestamps are ISO digits, the rest is escaped. */
function metaText(type: ResourceType, resource: Omit<RenderableResource, 'document'>, baseUrl: string): string {
  return `{"resourceType":${JSON.stringify(type.name)},"created":"${isoTime(resource.createdAt)}","lastModified":"${isoTime(resource.updatedAt)}","location":${JSON.stringify(`${baseUrl}${type.endpoint}/${resource.id}`)},"version":${JSON.stringify(etagOf(resource.version))}}`;
}

/** Whether a stored document's text is an object, as every write stores it (anything else takes the object path). */
export function isObjectText(documentText: string): boolean {
  return documentText.charCodeAt(0) === 0x7b && documentText.charCodeAt(documentText.length - 1) === 0x7d;
}

/**
 * Whether a stored document's text has a member named `name`. In JSON text a quoted string followed by a
 * colon is a member name (a quote inside a string value is escaped); PostgreSQL's jsonb text puts a space
 * before the value. Extension URNs and the attributes asked about here are never the names of nested
 * members, so a match is a member of the document itself.
 */
export function holdsMember(documentText: string, name: string, from = 0): boolean {
  return documentText.includes(`"${name}":`, from);
}

/** `schemas`: the core schema, then the extensions of the type the document holds, in the type's order. */
function schemasOf(type: ResourceType, holds: (urn: string) => boolean): string[] {
  const schemas = [type.schema.id];
  for (const extension of type.extensions) if (holds(extension.schema.id)) schemas.push(extension.schema.id);
  return schemas;
}

function resourceMeta(type: ResourceType, resource: Omit<RenderableResource, 'document'>, baseUrl: string): JsonObject {
  return {
    resourceType: type.name,
    created: isoTime(resource.createdAt),
    lastModified: isoTime(resource.updatedAt),
    location: `${baseUrl}${type.endpoint}/${resource.id}`,
    version: etagOf(resource.version),
  };
}
