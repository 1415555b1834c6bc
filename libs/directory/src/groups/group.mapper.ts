import { Urn, type JsonObject } from '@roster/scim-core';
import { etagOf } from '@roster/platform';
import type { GroupEntity } from './group.entity';
import type { MemberRow } from './groups.repository';

/** Entity → full SCIM representation; `members` only when they were loaded. */
export function toScimGroup(group: GroupEntity, baseUrl: string, members: MemberRow[] | undefined): JsonObject {
  const { externalId, ...attributes } = group.document;
  const resource: JsonObject = {
    schemas: [Urn.Group],
    id: group.id,
    ...(externalId !== undefined ? { externalId } : {}),
    ...attributes,
    displayName: group.displayName,
  };
  if (members?.length) {
    resource.members = members.map((m) => ({ value: m.userId, $ref: `${baseUrl}/Users/${m.userId}`, display: m.userName, type: 'User' }));
  }
  resource.meta = {
    resourceType: 'Group',
    created: group.createdAt.toISOString(),
    lastModified: group.updatedAt.toISOString(),
    location: `${baseUrl}/Groups/${group.id}`,
    version: etagOf(group.version),
  };
  return resource;
}
