import type { EntityManager } from '@mikro-orm/core';
import { etagOf, isUniqueViolation } from '@roster/platform';
import type { JsonObject, ResourceType, ScimError } from '@roster/scim-core';
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

/** Flushes, turning a unique-index violation (the last word on races) into the resource's 409. */
export async function flushOrConflict(em: EntityManager, conflict: (message: string) => ScimError): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(String((error as Error).message).toLowerCase());
    throw error;
  }
}
