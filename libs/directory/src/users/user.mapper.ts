import { UserResourceType, type JsonObject } from '@roster/scim-core';
import { toScimResource } from '../shared/scim-resource.mapper';
import type { UserEntity } from './user.entity';

export interface GroupRef {
  value: string;
  display: string;
}

/** A user as SCIM JSON; `groups` (readOnly) comes from memberships, `active` from its column. */
export function toScimUser(user: UserEntity, baseUrl: string, groups: GroupRef[] = []): JsonObject {
  return toScimResource(UserResourceType, user, baseUrl, {
    active: user.active,
    ...(groups.length ? { groups: groups.map((g) => ({ value: g.value, $ref: `${baseUrl}/Groups/${g.value}`, display: g.display, type: 'direct' })) } : {}),
  });
}
