import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { ScimCaller } from '@roster/platform';
import { ScimError, type JsonObject } from '@roster/scim-core';
import type { WriteOutcome } from '../shared/write-all';
import type { UserEntity } from './user.entity';
import { managerOf, toScimUser, type GroupRef } from './user.mapper';
import { UserGroupsQuery } from './user-groups.query';
import { UsersRepository } from './users.repository';

export interface UserResult {
  resource: JsonObject;
  version: number;
}

/**
 * Users as SCIM returns them: read with their groups, and with a manager `$ref` only where the manager is
 * a user of the tenant — from a read, or from what a write returned.
 */
@Injectable()
export class UserViews {
  constructor(
    private readonly users: UsersRepository,
    private readonly userGroups: UserGroupsQuery,
  ) {}

  /** The user and its groups (one statement), or 404. */
  async require(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<{ user: UserEntity; groups?: GroupRef[] }> {
    const found = await this.users.findById(em, tenantId, id, { forUpdate, related: this.userGroups.groupsColumn(em) });
    if (!found) throw ScimError.notFound(`User ${id} not found`);
    return { user: found.user, groups: this.userGroups.groupsFrom(found.related) };
  }

  /** The user as a GET answers it, or null when it is not (or no longer) there: what an event carries. */
  async render(em: EntityManager, tenantId: string, id: string, baseUrl: string): Promise<JsonObject | null> {
    const found = await this.users.findById(em, tenantId, id, { forUpdate: false, related: this.userGroups.groupsColumn(em) });
    if (!found) return null;
    return (await this.present(em, { tenantId, baseUrl }, found.user, this.userGroups.groupsFrom(found.related))).resource;
  }

  async present(em: EntityManager, caller: Pick<ScimCaller, 'tenantId' | 'baseUrl'>, user: UserEntity, groups: GroupRef[] | undefined): Promise<UserResult> {
    const managers = await this.resolvableManagers(em, caller.tenantId, [user]);
    return { resource: toScimUser(user, caller.baseUrl, groups, managers), version: user.version };
  }

  /** Which of these users' managers are users of the tenant (only those get a `$ref`); no query when none has one. */
  async resolvableManagers(em: EntityManager, tenantId: string, users: Pick<UserEntity, 'document'>[]): Promise<Set<string>> {
    return this.resolvableManagerIds(em, tenantId, users.map(managerOf));
  }

  /** Which of these manager ids (undefined where a user names none) are users of the tenant. */
  async resolvableManagerIds(em: EntityManager, tenantId: string, managerIds: (string | undefined)[]): Promise<Set<string>> {
    const ids = managerIds.filter((id): id is string => id !== undefined);
    return ids.length ? this.users.existingIds(em, tenantId, ids) : new Set();
  }

  /** What an update returns besides the row (write-all.ts, `returning`): its groups and its manager if a user. */
  returningForResponse(em: EntityManager, user: UserEntity) {
    return this.users.returningForResponse(this.userGroups.groupsColumn(em), managerOf(user));
  }

  /** The user as SCIM returns it after a write, from what the write returned (returningForResponse). */
  presentWritten(caller: ScimCaller, user: UserEntity, written: WriteOutcome): UserResult {
    const managerId = written.returned?.manager_id;
    const managers = new Set(typeof managerId === 'string' ? [managerId] : []);
    return { resource: toScimUser(user, caller.baseUrl, this.userGroups.groupsFrom(written.returned?.related), managers), version: user.version };
  }
}
