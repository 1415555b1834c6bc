import type { ScimUser, UserListResponse } from '@roster/contract';
import {
  isDefaultProjection,
  projectResource,
  rendersAsStored,
  toListResponseText,
  UserResourceType,
  type JsonObject,
  type JsonText,
  type Projection,
} from '@roster/scim-core';
import { holdsMember, isObjectText, storedResourceText } from '../shared/scim-resource.mapper';
import { groupsAttribute, toScimUser, type GroupRef } from './user.mapper';
import { withDocument, type StoredUser } from './users.repository';

/** A page of users as read: stored documents, their groups, and the managers that get a `$ref`. */
export interface UserPage {
  /** What the list says of the page besides its resources. */
  listing: { total: number; totalCapped: boolean; startIndex?: number; nextCursor?: string; projection: Projection };
  users: StoredUser[];
  groups: Map<string, GroupRef[]>;
  managers: ReadonlySet<string>;
  baseUrl: string;
}

/** Whether a user's document may name a manager (then its `$ref` needs the document parsed). */
export function mayNameManager(user: StoredUser): boolean {
  return holdsMember(user.documentText, 'manager');
}

/** The page's users in their full representation (before projection): for callers that work on objects. */
export function userPageResources(page: UserPage): JsonObject[] {
  return page.users.map((user) => toScimUser(withDocument(user), page.baseUrl, page.groups.get(user.id), page.managers));
}

/**
 * The page as the list answers it, serialised. In the default representation a user's stored document is
 * sent as it is, with id, groups and meta around it: parsing and re-serialising a hundred documents was
 * the largest part of a page's CPU (docs/benchmarks.md). A user whose manager gets a `$ref`, a document from before
 * `active` was always stored, and any projection take the object path; both give the same resource.
 */
export function userPageText(page: UserPage): JsonText<UserListResponse> {
  const { total, startIndex, nextCursor, projection } = page.listing;
  const asStored = isDefaultProjection(projection) && rendersAsStored(UserResourceType);
  const resources = page.users.map((user) => {
    const groups = page.groups.get(user.id);
    if (asStored && isObjectText(user.documentText) && holdsMember(user.documentText, 'active') && !(page.managers.size && mayNameManager(user))) {
      return storedResourceText(UserResourceType, user, page.baseUrl, groups ? `,"groups":${JSON.stringify(groupsAttribute(groups, page.baseUrl))}` : '');
    }
    const resource = toScimUser(withDocument(user), page.baseUrl, groups, page.managers);
    return JSON.stringify(projectResource(UserResourceType, resource, projection));
  });
  return toListResponseText<ScimUser>(resources, { totalResults: total, startIndex, nextCursor });
}
