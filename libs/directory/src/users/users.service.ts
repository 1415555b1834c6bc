import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { assertIfMatch, type ScimCaller } from '@roster/platform';
import type { UserListResponse } from '@roster/contract';
import { applyPatch, parseListQuery, toResourceDocument, UserResourceType, type JsonText } from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedResource } from '../audit/audit.service';
import { attemptedIdentity, withFailureAudit } from '../audit/audited';
import { diffDocuments } from '../audit/diff';
import { changedPaths, changeKinds } from '../events/change-records';
import { ProvisioningOutbox } from '../events/outbox';
import { ScimCollections } from '../shared/scim-collections';
import { cursorWindow, ListCursors } from '../shared/list-cursors';
import { assertBodyIdMatches } from '../shared/scim-response';
import { KnownUsers } from './known-users';
import { deriveUserColumns, rowColumns } from './user.columns';
import { auditIdentityOf, userChange } from './user.mapper';
import { explainingConflicts, orUniquenessConflict } from './user-conflicts';
import { UserGroupsQuery } from './user-groups.query';
import { UserUpdates } from './user-updates';
import { UserViews, type UserResult } from './user-views';
import { managerIdOf, userPageResources, userPageText, type UserPage } from './user-page';
import { newUser, UsersRepository } from './users.repository';

export type { UserResult } from './user-views';

@Injectable()
export class UsersService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersRepository,
    private readonly userGroups: UserGroupsQuery,
    private readonly views: UserViews,
    private readonly updates: UserUpdates,
    private readonly audit: AuditService,
    private readonly cursors: ListCursors,
    private readonly outbox: ProvisioningOutbox,
    private readonly collections: ScimCollections,
    private readonly known: KnownUsers,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  onModuleInit(): void {
    this.collections.register({
      type: UserResourceType,
      list: (caller, query) => this.list(caller, query),
      create: (caller, data, context) => this.create(caller, data, context),
      replace: (caller, id, data, ifMatch, context) => this.replace(caller, id, data, ifMatch, context),
      patch: (caller, id, data, ifMatch, context) => this.patch(caller, id, data, ifMatch, context),
      delete: (caller, id, ifMatch, context) => this.delete(caller, id, ifMatch, context),
      render: (em, tenantId, id, baseUrl) => this.views.render(em, tenantId, id, baseUrl),
    });
  }

  /** A page of users; `countUpTo` (the portal) stops counting matches there, `totalCapped` says it did. */
  async list(caller: ScimCaller, rawQuery: Record<string, unknown>, countUpTo?: number) {
    const page = await this.readPage(caller, rawQuery, countUpTo);
    return { ...page.listing, resources: userPageResources(page) };
  }

  /** A page of users as the SCIM list answers it, serialised (user-page.ts). */
  async listText(caller: ScimCaller, rawQuery: Record<string, unknown>): Promise<JsonText<UserListResponse>> {
    return userPageText(await this.readPage(caller, rawQuery));
  }

  private async readPage(caller: ScimCaller, rawQuery: Record<string, unknown>, countUpTo?: number): Promise<UserPage> {
    const query = parseListQuery(UserResourceType, rawQuery, this.config.scim);
    const scope = { tenantId: caller.tenantId, resource: 'User', filter: query.filterText ?? '' };
    const window = await cursorWindow(this.cursors, scope, query.cursor);
    const memberOfAny = this.userGroups.memberOfAnyColumn('r');
    const { total, totalCapped, users, next } = await this.users.list(this.em, caller.tenantId, query, { cursor: window, countUpTo, memberOfAny });
    const groups = await this.userGroups.groupsOf(
      this.em,
      caller.tenantId,
      users.filter((u) => u.inAnyGroup).map((u) => u.id),
    );
    const managers = await this.views.resolvableManagerIds(this.em, caller.tenantId, users.map(managerIdOf));
    return {
      listing: {
        total,
        totalCapped,
        startIndex: window ? undefined : query.startIndex,
        nextCursor: next ? await this.cursors.encode(scope, next) : undefined,
        projection: query.projection,
      },
      users,
      groups,
      managers,
      baseUrl: caller.baseUrl,
    };
  }

  async get(caller: ScimCaller, id: string): Promise<UserResult> {
    const { user, groups } = await this.views.require(this.em, caller.tenantId, id);
    this.known.rememberIfCommitted(this.em, user); // Okta reads a user before it updates it
    return this.views.present(this.em, caller, user, groups);
  }

  async create(caller: ScimCaller, body: unknown, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.created', resource: attempted(body) }, () =>
      this.explainingConflicts(caller.tenantId, async () => {
        const document = toResourceDocument(UserResourceType, body);
        document.active = document.active ?? true;
        const columns = deriveUserColumns(document);
        const now = new Date();
        const user = newUser({ tenantId: caller.tenantId, ...rowColumns(columns), document, createdAt: now, updatedAt: now });
        const changes = diffDocuments({}, document);
        const result = await this.views.present(this.em, caller, user, []); // a new user belongs to no group yet
        // Nothing is read before the write, so a tenant without event streams needs no transaction: on
        // PostgreSQL the user, its count, its email rows and its audit event are one statement.
        const statements = [
          ...this.users.insertion(this.em, user, columns),
          this.audit.recording(this.em, caller.tenantId, context, { action: 'user.created', resource: auditIdentityOf(user), changes, httpStatus: 201 }),
        ];
        const change = () => [userChange(user, changeKinds('create'), changedPaths(changes, 'id'), () => result.resource)];
        await orUniquenessConflict(this.outbox.write(this.em, caller, statements, change), columns);
        this.known.rememberIfCommitted(this.em, user);
        return result;
      }),
    );
  }

  async replace(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { ...attempted(body), id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.updates.update(caller, id, ifMatch, context, 'put', (user) => {
          assertBodyIdMatches(body, user.id);
          const document = toResourceDocument(UserResourceType, body);
          // RFC 7644 §3.5.1 lets omitted attributes default: externalId (the IdP's own key) keeps its value
          // when a PUT leaves it out, so a partial PUT never re-links a user (active: see UserUpdates.write()).
          if (document.externalId === undefined && user.document.externalId !== undefined) document.externalId = user.document.externalId;
          return document;
        }),
      ),
    );
  }

  async patch(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { type: 'User', id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.updates.update(caller, id, ifMatch, context, 'patch', (user) => {
          const { document, changed } = applyPatch(UserResourceType, user.document, body, user.id);
          return changed ? document : undefined;
        }),
      ),
    );
  }

  async delete(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext): Promise<void> {
    this.known.forget(caller.tenantId, id);
    await withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.deleted', resource: { type: 'User', id } }, () =>
      this.em.transactional(async (em) => {
        const { user } = await this.views.require(em, caller.tenantId, id, true);
        assertIfMatch(ifMatch, user.version);
        const now = new Date();
        const formerGroups = await this.userGroups.removeMemberships(em, caller.tenantId, user.id, now);
        await this.users.delete(em, user, now);
        await this.audit.record(em, caller.tenantId, context, {
          action: 'user.deleted',
          resource: auditIdentityOf(user),
          changes: diffDocuments(user.document, {}),
          httpStatus: 204,
        });
        // The user's groups lost a member: each is a patch of that group (RFC 9967), after the user's delete.
        await this.outbox.record(em, caller, [
          { resourceType: 'User', resourceId: user.id, externalId: user.externalId ?? null, kinds: changeKinds('delete'), attributes: [], data: () => null },
          ...formerGroups.map((group) => ({
            resourceType: 'Group' as const,
            resourceId: group.id,
            externalId: group.externalId,
            kinds: changeKinds('patch'),
            attributes: ['members'],
            data: () => this.collections.render(em, 'Group', caller.tenantId, group.id, caller.baseUrl),
          })),
        ]);
      }),
    );
  }

  private explainingConflicts<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    return explainingConflicts(this.em, this.users, tenantId, write);
  }
}

function attempted(body: unknown): AuditedResource {
  return attemptedIdentity('User', body, 'userName');
}
