import { GroupResourceType, type JsonObject } from '@roster/scim-core';
import { toScimResource } from '../shared/scim-resource.mapper';
import type { GroupEntity } from './group.entity';
import type { MemberRow } from './groups.repository';

/** A group as SCIM JSON; `members` only when they were loaded (never for excludedAttributes=members). */
export function toScimGroup(group: GroupEntity, baseUrl: string, members: MemberRow[] | undefined): JsonObject {
  return toScimResource(GroupResourceType, group, baseUrl, {
    displayName: group.displayName,
    ...(members?.length ? { members: members.map((m) => ({ value: m.userId, $ref: `${baseUrl}/Users/${m.userId}`, display: m.userName, type: 'User' })) } : {}),
  });
}
