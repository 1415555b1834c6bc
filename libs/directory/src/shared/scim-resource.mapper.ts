import { etagOf } from '@roster/platform';
import type { JsonObject, ResourceType } from '@roster/scim-core';
import type { ScimResourceEntity } from './scim-resource.entity';

/**
 * Entity → full SCIM representation (before attributes/excludedAttributes projection): schemas (core
 * plus the extensions the document holds), id, externalId, the document, resource-specific attributes
 * computed outside the document, and meta (RFC 7643 §3.1).
 */
export function toScimResource(type: ResourceType, entity: ScimResourceEntity, baseUrl: string, computed: JsonObject): JsonObject {
  const { externalId, ...attributes } = entity.document;
  const extensions = Object.keys(attributes).filter((key) => key.startsWith('urn:'));
  return {
    schemas: [type.schema.id, ...extensions],
    id: entity.id,
    ...(externalId !== undefined ? { externalId } : {}),
    ...attributes,
    ...computed,
    meta: {
      resourceType: type.name,
      created: entity.createdAt.toISOString(),
      lastModified: entity.updatedAt.toISOString(),
      location: `${baseUrl}${type.endpoint}/${entity.id}`,
      version: etagOf(entity.version),
    },
  };
}
