import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { assertIfMatch, isUniqueViolation, type ScimCaller } from '@roster/platform';
import {
  applyPatch,
  deepEqual,
  parseListQuery,
  ScimError,
  toResourceDocument,
  UserResourceType,
  type ChangeKind,
  type JsonObject,
  type ResourceDocument,
} from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedResource } from '../audit/audit.service';
import { attemptedIdentity, withFailureAudit } from '../audit/audited';
import { assertBodyIdMatches } from '../shared/scim-response';
import { diffDocuments } from '../audit/diff';
import { cursorWindow, ListCursors } from '../shared/list-cursors';
import { retryOnConcurrentChange } from '../shared/retry';
import { dialectOf } from '../shared/sql';
import { deriveUserColumns, type DerivedUserColumns } from './user.columns';
import type { UserEntity } from './user.entity';
import { managerOf, toScimUser, type GroupRef } from './user.mapper';
import { UserGroupsQuery } from './user-groups.query';
import { newUser, UsersRepository } from './users.repository';
import { changedPaths, changeKinds } from '../events/change-records';
import { ProvisioningOutbox, type ChangeToRecord } from '../events/outbox';
import { ResourceRenderers } from '../events/resource-renderers';

export interface UserResult {
  resource: JsonObject;
  version: number;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersRepository,
    private readonly userGroups: UserGroupsQuery,
    private readonly audit: AuditService,
    private readonly cursors: ListCursors,
    private readonly outbox: ProvisioningOutbox,
    private readonly renderers: ResourceRenderers,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async list(caller: ScimCaller, rawQuery: Record<string, unknown>) {
    const query = parseListQuery(UserResourceType, rawQuery, this.config.scim);
    const scope = { tenantId: caller.tenantId, resource: 'User', filter: query.filterText ?? '' };
    const window = await cursorWindow(this.cursors, scope, query.cursor);
    // Each user's groups come with the page, in the same statement.
    const { total, users, related, next } = await this.users.list(this.em, caller.tenantId, query, window, this.userGroups.groupsColumn(this.em, 'r'));
    const managers = await this.resolvableManagers(this.em, caller.tenantId, users);
    return {
      total,
      startIndex: window ? undefined : query.startIndex,
      nextCursor: next ? await this.cursors.encode(scope, next) : undefined,
      projection: query.projection,
      resources: users.map((u, i) => toScimUser(u, caller.baseUrl, this.userGroups.groupsFrom(related[i]), managers)),
    };
  }

  async get(caller: ScimCaller, id: string): Promise<UserResult> {
    const { user, groups } = await this.require(this.em, caller.tenantId, id);
    return this.result(this.em, caller, user, groups);
  }

  async create(caller: ScimCaller, body: unknown, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.created', resource: attempted(body) }, () =>
      this.explainingConflicts(caller.tenantId, async () => {
        const document = toResourceDocument(UserResourceType, body);
        document.active = document.active ?? true;
        const columns = deriveUserColumns(document);
        const now = new Date();
        const user = newUser({ tenantId: caller.tenantId, ...pickColumns(columns), document, createdAt: now, updatedAt: now });
        const changes = diffDocuments({}, document);
        const result = await this.result(this.em, caller, user, []); // a new user belongs to no group yet
        // Nothing is read before the write, so a tenant without event streams needs no transaction: on
        // PostgreSQL the user, its count, its email rows and its audit event are one statement.
        const statements = [
          ...this.users.insertion(this.em, user, columns),
          this.audit.recording(this.em, caller.tenantId, context, { action: 'user.created', resource: identityOf(user), changes, httpStatus: 201 }),
        ];
        await this.orConflict(
          this.outbox.write(this.em, caller, statements, () => [this.changeOf(user, changeKinds('create'), changedPaths(changes, 'id'), result.resource)]),
          columns,
        );
        return result;
      }),
    );
  }

  async replace(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { ...attempted(body), id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.update(ifMatch, async (em) => {
          const { user, groups } = await this.require(em, caller.tenantId, id, !!em.getTransactionContext());
          assertIfMatch(ifMatch, user.version);
          assertBodyIdMatches(body, user.id);
          const document = toResourceDocument(UserResourceType, body);
          // RFC 7644 §3.5.1 lets omitted attributes default: externalId (the IdP's own key) keeps its value
          // when a PUT leaves it out, so a partial PUT never re-links a user (active: see write()).
          if (document.externalId === undefined && user.document.externalId !== undefined) document.externalId = user.document.externalId;
          return this.write(em, caller, user, groups, document, context, 'put');
        }),
      ),
    );
  }

  async patch(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { type: 'User', id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.update(ifMatch, async (em) => {
          const { user, groups } = await this.require(em, caller.tenantId, id, !!em.getTransactionContext());
          assertIfMatch(ifMatch, user.version);
          const { document, changed } = applyPatch(UserResourceType, user.document, body, user.id);
          if (!changed) return this.result(em, caller, user, groups);
          return this.write(em, caller, user, groups, document, context, 'patch');
        }),
      ),
    );
  }

  /**
   * Runs an update of one user: `work` reads the user (under its row lock when `em` is in a transaction)
   * and writes it only if it is still at the version read (write()).
   *
   * On PostgreSQL the first attempt takes no lock and opens no transaction: a read, then the row, email
   * rows and audit event in one statement — two round trips instead of five. An update that lost a race is
   * applied again to the user read under its row lock, which no writer can then overtake. If-Match names
   * the version read, so such an update takes the lock at once (its race is a 412). SQLite has no round
   * trips to save, and a transaction's reads come from the writer's warm page cache: there every attempt
   * is the locked one.
   */
  private update(ifMatch: string | undefined, work: (em: EntityManager) => Promise<UserResult>): Promise<UserResult> {
    const optimisticFirst = !ifMatch && dialectOf(this.em) === 'postgresql';
    return retryOnConcurrentChange((attempt) => (attempt === 1 && optimisticFirst ? work(this.em) : this.em.transactional(work)), { ifMatch });
  }

  async delete(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext): Promise<void> {
    await withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.deleted', resource: { type: 'User', id } }, () =>
      this.em.transactional(async (em) => {
        const { user } = await this.require(em, caller.tenantId, id, true);
        assertIfMatch(ifMatch, user.version);
        const now = new Date();
        const formerGroups = await this.userGroups.removeMemberships(em, caller.tenantId, user.id, now);
        await this.users.delete(em, user, now);
        await this.audit.record(em, caller.tenantId, context, {
          action: 'user.deleted',
          resource: identityOf(user),
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
            data: () => this.renderers.render(em, 'Group', caller.tenantId, group.id, caller.baseUrl),
          })),
        ]);
      }),
    );
  }

  private async write(
    em: EntityManager,
    caller: ScimCaller,
    user: UserEntity,
    groups: GroupRef[] | undefined,
    document: ResourceDocument,
    context: AuditContext,
    kind: 'put' | 'patch',
  ): Promise<UserResult> {
    // An update that leaves `active` out, or clears it (remove, null, ""), keeps the stored value: only an
    // explicit true activates and only an explicit false deactivates, so clearing never re-activates a learner.
    if (document.active === undefined) document.active = user.active;
    // The manager is stored as sent and never checked here: a deleted or not-yet-provisioned manager must
    // not block any write to its reports (the nightly job reports unresolved references).
    const columns = deriveUserColumns(document);
    const before = user.document;
    const changes = diffDocuments(before, document);
    if (!changes.length) return this.result(em, caller, user, groups);
    // Only what changed is rewritten (Okta's deactivation touches no email row).
    const emailsChanged = !deepEqual(columns.emails, emailRowsOf(before));
    const wasActive = user.active;
    Object.assign(user, pickColumns(columns), { document, updatedAt: new Date() });
    const action = wasActive && !user.active ? 'user.deactivated' : !wasActive && user.active ? 'user.reactivated' : 'user.updated';
    const statements = [
      ...this.users.update(em, user, columns, emailsChanged),
      this.audit.recording(em, caller.tenantId, context, { action, resource: identityOf(user), changes, httpStatus: 200 }),
    ];
    user.version += 1; // what the update makes it; the response and the event carry the new version
    // A user's PATCH or PUT cannot change its groups (read-only): those read with the user still hold.
    const result = await this.result(em, caller, user, groups);
    const change = () => [this.changeOf(user, changeKinds(kind, wasActive, user.active), changedPaths(changes), result.resource)];
    await this.orConflict(this.outbox.write(em, caller, statements, change, { firstMustChange: true }), columns, user.id);
    return result;
  }

  private changeOf(user: UserEntity, kinds: ChangeKind[], attributes: string[], resource: JsonObject): ChangeToRecord {
    return { resourceType: 'User', resourceId: user.id, externalId: user.externalId ?? null, kinds, attributes, data: () => resource };
  }

  private async result(em: EntityManager, caller: ScimCaller, user: UserEntity, groups: GroupRef[] | undefined): Promise<UserResult> {
    const managers = await this.resolvableManagers(em, caller.tenantId, [user]);
    return { resource: toScimUser(user, caller.baseUrl, groups, managers), version: user.version };
  }

  /** Which of these users' managers are users of the tenant (only those get a `$ref`); no query when none has one. */
  private async resolvableManagers(em: EntityManager, tenantId: string, users: UserEntity[]): Promise<Set<string>> {
    const ids = users.map(managerOf).filter((id): id is string => id !== undefined);
    return ids.length ? this.users.existingIds(em, tenantId, ids) : new Set();
  }

  /** The user and its groups (one statement), or 404. */
  private async require(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<{ user: UserEntity; groups?: GroupRef[] }> {
    const found = await this.users.findById(em, tenantId, id, { forUpdate, related: this.userGroups.groupsColumn(em) });
    if (!found) throw ScimError.notFound(`User ${id} not found`);
    return { user: found.user, groups: this.userGroups.groupsFrom(found.related) };
  }

  /**
   * Uniqueness of userName and of the identity email is the unique indexes' to decide, also between
   * concurrent writers: no read before the write, so a create is one statement shorter. A violation
   * ends the transaction (PostgreSQL accepts no further statement in it) and is explained after it.
   */
  private async orConflict<T>(write: Promise<T>, columns: DerivedUserColumns, selfId?: string): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const message = String((error as Error).message).toLowerCase();
      throw new UniquenessConflict(columns, selfId, message.includes('user_name') || message.includes('username') ? 'userName' : 'email');
    }
  }

  /**
   * Runs a write; a uniqueness conflict becomes the 409 that names the attribute. Which index a database
   * checks first differs (a user whose userName and email are both taken), so once the transaction has
   * rolled back the stored users decide, userName first: SQLite and PostgreSQL give the same answer.
   */
  private async explainingConflicts<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof UniquenessConflict)) throw error;
      throw uniquenessError((await this.users.conflictOf(this.em, tenantId, error.columns, error.selfId)) ?? error.violated);
    }
  }
}

/** A write broke a unique index of users; the attribute is named once its transaction has ended. */
class UniquenessConflict extends Error {
  constructor(
    readonly columns: DerivedUserColumns,
    readonly selfId: string | undefined,
    readonly violated: 'userName' | 'email',
  ) {
    super(`uniqueness of ${violated}`);
  }
}

function uniquenessError(conflict: 'userName' | 'email'): ScimError {
  return ScimError.uniqueness(
    conflict === 'userName' ? 'A user with this userName already exists in this tenant' : 'Another user of this tenant already uses this email address',
  );
}

// The email rows a stored document implies; a document that no longer derives (older rules) has none.
function emailRowsOf(document: ResourceDocument): DerivedUserColumns['emails'] | undefined {
  try {
    return deriveUserColumns(document).emails;
  } catch {
    return undefined;
  }
}

function pickColumns(columns: ReturnType<typeof deriveUserColumns>) {
  const { emails: _emails, ...rest } = columns;
  return rest;
}

function identityOf(user: UserEntity): AuditedResource {
  return { type: 'User', id: user.id, name: user.userName, externalId: user.externalId ?? null };
}

function attempted(body: unknown): AuditedResource {
  return attemptedIdentity('User', body, 'userName');
}
