import type { ScimUser, UserListResponse } from '@roster/contract';
import {
  isDefaultProjection,
  memberSpan,
  projectResource,
  rendersAsStored,
  toListResponseText,
  UserResourceType,
  type JsonObject,
  type JsonText,
  type Projection,
  Urn,
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

/**
 * The manager id a user's stored document names, read from its text as managerOf reads the parsed
 * document: the enterprise extension's `manager.value`, when it is a string. Only `manager` is parsed.
 */
export function managerIdOf(user: StoredUser): string | undefined {
  return managerValueSpan(user.documentText)?.value;
}

function managerValueSpan(text: string): { value: string; managerEnd: number } | undefined {
  if (!holdsMember(text, 'manager')) return undefined;
  const enterprise = memberSpan(text, Urn.EnterpriseUser);
  const manager = enterprise && memberSpan(text, 'manager', enterprise.start, enterprise.end);
  const value = manager && memberSpan(text, 'value', manager.start, manager.end);
  if (!manager || !value || text[value.start] !== '"') return undefined; // a string, as managerOf asks
  return { value: JSON.parse(text.slice(value.start, value.end)) as string, managerEnd: manager.end };
}

/** The stored text with the manager's `$ref` last in `manager`, as toScimUser adds it, when the manager is a user of the tenant. */
function withManagerRef(text: string, managers: ReadonlySet<string>, baseUrl: string): string {
  const manager = managers.size ? managerValueSpan(text) : undefined;
  const id = manager?.value.toLowerCase();
  if (!manager || !id || !managers.has(id)) return text;
  const close = manager.managerEnd - 1; // the manager object's closing brace; it holds `value`, so a comma goes first
  return `${text.slice(0, close)},"$ref":${JSON.stringify(`${baseUrl}/Users/${id}`)}${text.slice(close)}`;
}

/** The page's users in their full representation (before projection): for callers that work on objects. */
export function userPageResources(page: UserPage): JsonObject[] {
  return page.users.map((user) => toScimUser(withDocument(user), page.baseUrl, page.groups.get(user.id), page.managers));
}

/**
 * The page as the list answers it, serialised. In the default representation a user's stored document is
 * sent as it is, with id, groups and meta around it (and a manager's `$ref` spliced in): parsing and
 * re-serialising a hundred documents was the largest part of a page's CPU (docs/benchmarks.md). A document
 * from before `active` was always stored, and any projection take the object path; both give the same resource.
 */
export function userPageText(page: UserPage): JsonText<UserListResponse> {
  const { total, startIndex, nextCursor, projection } = page.listing;
  const asStored = isDefaultProjection(projection) && rendersAsStored(UserResourceType);
  const resources = page.users.map((user) => {
    const groups = page.groups.get(user.id);
    if (asStored && isObjectText(user.documentText) && holdsMember(user.documentText, 'active')) {
      const documentText = withManagerRef(user.documentText, page.managers, page.baseUrl);
      const computed = groups ? `,"groups":${JSON.stringify(groupsAttribute(groups, page.baseUrl))}` : '';
      return storedResourceText(UserResourceType, documentText === user.documentText ? user : { ...user, documentText }, page.baseUrl, computed);
    }
    const resource = toScimUser(withDocument(user), page.baseUrl, groups, page.managers);
    return JSON.stringify(projectResource(UserResourceType, resource, projection));
  });
  return toListResponseText<ScimUser>(resources, { totalResults: total, startIndex, nextCursor });
}
