import { isObject, Urn, UserResourceType, type ChangeKind, type JsonObject } from '@roster/scim-core';
import type { AuditedResource } from '../audit/audit.service';
import type { ChangeToRecord } from '../events/outbox';
import { toScimResource, type RenderableResource } from '../shared/scim-resource.mapper';
import type { UserEntity } from './user.entity';

/** What rendering a user reads of its row. */
export type RenderableUser = RenderableResource & Pick<UserEntity, 'active'>;

export interface GroupRef {
  value: string;
  display: string;
}

/**
 * A user as SCIM JSON; `groups` (readOnly) comes from memberships, `active` from its column. The
 * manager's `$ref` is computed (RFC 7643 §4.3): present when `value` names a user of the tenant,
 * `managers` being the ids among them that do.
 */
export function toScimUser(user: RenderableUser, baseUrl: string, groups: GroupRef[] = [], managers: ReadonlySet<string> = new Set()): JsonObject {
  const resource = toScimResource(UserResourceType, user, baseUrl, {
    active: user.active,
    ...(groups.length ? { groups: groupsAttribute(groups, baseUrl) } : {}),
  });
  const managerId = managerOf(user);
  if (managerId && managers.has(managerId.toLowerCase())) {
    const enterprise = resource[Urn.EnterpriseUser] as JsonObject;
    resource[Urn.EnterpriseUser] = { ...enterprise, manager: { ...(enterprise.manager as JsonObject), $ref: `${baseUrl}/Users/${managerId.toLowerCase()}` } };
  }
  return resource;
}

/** The readOnly `groups` of a user: its direct memberships. */
export function groupsAttribute(groups: GroupRef[], baseUrl: string): JsonObject[] {
  return groups.map((g) => ({ value: g.value, $ref: `${baseUrl}/Groups/${g.value}`, display: g.display, type: 'direct' }));
}

/** The manager id a user's document names, if any. */
export function managerOf(user: Pick<UserEntity, 'document'>): string | undefined {
  const enterprise = user.document[Urn.EnterpriseUser];
  const value = isObject(enterprise) && isObject(enterprise.manager) ? enterprise.manager.value : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The user as its audit events name it. */
export function auditIdentityOf(user: UserEntity): AuditedResource {
  return { type: 'User', id: user.id, name: user.userName, externalId: user.externalId ?? null };
}

/** A change of the user as the outbox records it; `resource` is the user after the change, rendered on demand. */
export function userChange(user: UserEntity, kinds: ChangeKind[], attributes: string[], resource: () => JsonObject): ChangeToRecord {
  return { resourceType: 'User', resourceId: user.id, externalId: user.externalId ?? null, kinds, attributes, data: resource };
}
