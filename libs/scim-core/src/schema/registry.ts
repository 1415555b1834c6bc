import type { ResourceType } from './resource-type';
import { emailFromUserName, enterpriseUserSchema, rosterUserSchema, userSchema } from './user.schema';
import { groupSchema } from './group.schema';

export const UserResourceType: ResourceType = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [
    { schema: enterpriseUserSchema, required: false },
    { schema: rosterUserSchema, required: false },
  ],
  complete: emailFromUserName,
};

export const GroupResourceType: ResourceType = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

/** Every resource type Roster serves; discovery endpoints are generated from this list. */
export const resourceTypes: readonly ResourceType[] = [UserResourceType, GroupResourceType];

export function allSchemas() {
  const seen = new Map<string, ResourceType['schema']>();
  for (const type of resourceTypes) {
    for (const schema of [type.schema, ...type.extensions.map((e) => e.schema)]) seen.set(schema.id, schema);
  }
  return [...seen.values()];
}
