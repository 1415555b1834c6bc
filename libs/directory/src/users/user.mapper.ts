import { Urn, type JsonObject } from '@roster/scim-core';
import { etagOf } from '@roster/platform';
import type { UserEntity } from './user.entity';

export interface GroupRef {
  value: string;
  display: string;
}

/** Entity → full SCIM representation (before attributes/excludedAttributes projection). */
export function toScimUser(user: UserEntity, baseUrl: string, groups: GroupRef[] = []): JsonObject {
  const { externalId, ...attributes } = user.document;
  const extensions = Object.keys(attributes).filter((k) => k.startsWith('urn:'));
  const resource: JsonObject = {
    schemas: [Urn.User, ...extensions],
    id: user.id,
    ...(externalId !== undefined ? { externalId } : {}),
    ...attributes,
    active: user.active,
  };
  if (groups.length) {
    resource.groups = groups.map((g) => ({ value: g.value, $ref: `${baseUrl}/Groups/${g.value}`, display: g.display, type: 'direct' }));
  }
  resource.meta = {
    resourceType: 'User',
    created: user.createdAt.toISOString(),
    lastModified: user.updatedAt.toISOString(),
    location: `${baseUrl}/Users/${user.id}`,
    version: etagOf(user.version),
  };
  return resource;
}
