import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, OptimisticLockError } from '@mikro-orm/core';
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
import type { WriteOutcome } from '../shared/write-all';
import { KnownUsers } from './known-users';

export interface UserResult {
  resource: JsonObject;
  version: number;
}

/** An update's answer, and the user as the update left it (to remember once committed). */
interface Updated {
  result: UserResult;
  user: UserEntity;
}

/** A user's new document, computed from the user as it is (undefined: the request changes nothing). */
type Revision = (user: UserEntity) => ResourceDocument | undefined;

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
    private readonly known: KnownUsers,
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
    this.rememberCommitted(this.em, user); // Okta reads a user before it updates it
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
          this.outbox.write(this.em, caller, statements, () => [
            this.changeOf(user, changeKinds('create'), changedPaths(changes, 'id'), () => result.resource),
          ]),
          columns,
        );
        this.rememberCommitted(this.em, user);
        return result;
      }),
    );
  }

  async replace(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { ...attempted(body), id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.update(caller, id, ifMatch, context, 'put', (user) => {
          assertBodyIdMatches(body, user.id);
          const document = toResourceDocument(UserResourceType, body);
          // RFC 7644 §3.5.1 lets omitted attributes default: externalId (the IdP's own key) keeps its value
          // when a PUT leaves it out, so a partial PUT never re-links a user (active: see write()).
          if (document.externalId === undefined && user.document.externalId !== undefined) document.externalId = user.document.externalId;
          return document;
        }),
      ),
    );
  }

  async patch(caller: ScimCaller, id: string, body: unknown, ifMatch: string | undefined, context: AuditContext): Promise<UserResult> {
    return withFailureAudit(this.audit, caller.tenantId, context, { action: 'user.updated', resource: { type: 'User', id } }, () =>
      this.explainingConflicts(caller.tenantId, () =>
        this.update(caller, id, ifMatch, context, 'patch', (user) => {
          const { document, changed } = applyPatch(UserResourceType, user.document, body, user.id);
          return changed ? document : undefined;
        }),
      ),
    );
  }

  /**
   * Updates one user to what `revise` makes of it, written only if the user is still at the version it
   * was revised from (write()).
   *
   * When this process remembers the user (KnownUsers) and the client named no version, the revision is
   * built on the remembered user and written without reading it: on PostgreSQL the whole update is one
   * statement, which also returns what the response needs. A user that moved on since (the write is
   * refused), or a revision that changes nothing or fails on the remembered user, is answered as if the
   * user had never been remembered: by reading it.
   *
   * Reading first, on PostgreSQL the first attempt takes no lock and opens no transaction: a read, then
   * one statement. An update that lost a race is applied again to the user read under its row lock, which
   * no writer can then overtake. If-Match names the version read, so such an update takes the lock at once
   * (its race is a 412). SQLite has no round trips to save, and a transaction's reads come from the
   * writer's warm page cache: there every attempt is the locked one.
   */
  private async update(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext, kind: 'put' | 'patch', revise: Revision) {
    const known = ifMatch ? undefined : this.known.get(caller.tenantId, id);
    const updated =
      (known && (await this.updateKnown(caller, known, context, kind, revise))) || (await this.updateRead(caller, id, ifMatch, context, kind, revise));
    this.rememberCommitted(this.em, updated.user);
    return updated.result;
  }

  /** The update built on the remembered user; undefined when only a read can answer it (update()). */
  private async updateKnown(
    caller: ScimCaller,
    known: UserEntity,
    context: AuditContext,
    kind: 'put' | 'patch',
    revise: Revision,
  ): Promise<Updated | undefined> {
    let document: ResourceDocument | undefined;
    try {
      document = revise(known);
    } catch (error) {
      if (error instanceof ScimError) return undefined; // perhaps only because the remembered user is out of date
      throw error;
    }
    if (!document) return undefined;
    try {
      return await this.write(this.em, caller, known, document, context, kind);
    } catch (error) {
      if (error instanceof OptimisticLockError) return undefined;
      throw error;
    }
  }

  private updateRead(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    context: AuditContext,
    kind: 'put' | 'patch',
    revise: Revision,
  ): Promise<Updated> {
    const work = async (em: EntityManager): Promise<Updated> => {
      const { user, groups } = await this.require(em, caller.tenantId, id, !!em.getTransactionContext());
      assertIfMatch(ifMatch, user.version);
      const document = revise(user);
      const updated = document && (await this.write(em, caller, user, document, context, kind));
      return updated ?? { result: await this.result(em, caller, user, groups), user };
    };
    const optimisticFirst = !ifMatch && dialectOf(this.em) === 'postgresql';
    return retryOnConcurrentChange((attempt) => (attempt === 1 && optimisticFirst ? work(this.em) : this.em.transactional(work)), { ifMatch });
  }

  async delete(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext): Promise<void> {
    this.known.forget(caller.tenantId, id);
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

  /**
   * Writes `user` with its new document if it is still at the version it was read at (or remembered at):
   * the row and derived columns, the email rows if they changed, the audit event and, for a tenant with
   * event streams, the provisioning event. An OptimisticLockError when the user moved on; undefined when
   * the new document changes nothing. `user` itself is left as it was.
   */
  private async write(
    em: EntityManager,
    caller: ScimCaller,
    user: UserEntity,
    document: ResourceDocument,
    context: AuditContext,
    kind: 'put' | 'patch',
  ): Promise<Updated | undefined> {
    // An update that leaves `active` out, or clears it (remove, null, ""), keeps the stored value: only an
    // explicit true activates and only an explicit false deactivates, so clearing never re-activates a learner.
    if (document.active === undefined) document.active = user.active;
    // The manager is stored as sent and never checked here: a deleted or not-yet-provisioned manager must
    // not block any write to its reports (the nightly job reports unresolved references).
    const columns = deriveUserColumns(document);
    const changes = diffDocuments(user.document, document);
    if (!changes.length) return undefined;
    // Only what changed is rewritten (Okta's deactivation touches no email row).
    const emailsChanged = !deepEqual(columns.emails, emailRowsOf(user.document));
    const updated: UserEntity = { ...user, ...pickColumns(columns), document, updatedAt: new Date() };
    const action = user.active && !updated.active ? 'user.deactivated' : !user.active && updated.active ? 'user.reactivated' : 'user.updated';
    const statements = [
      ...this.users.update(em, user, updated, columns, emailsChanged),
      this.audit.recording(em, caller.tenantId, context, { action, resource: identityOf(updated), changes, httpStatus: 200 }),
    ];
    updated.version += 1; // what the update makes it; the response and the event carry the new version
    // The write returns the user's groups and whether its manager is a user, as a read would have.
    const returning = this.users.returningForResponse(this.userGroups.groupsColumn(em), managerOf(updated));
    let result: UserResult | undefined;
    const render = (written: WriteOutcome) => (result ??= this.render(caller, updated, written));
    const change = (written: WriteOutcome) => [
      this.changeOf(updated, changeKinds(kind, user.active, updated.active), changedPaths(changes), () => render(written).resource),
    ];
    const written = await this.orConflict(this.outbox.write(em, caller, statements, change, { firstMustChange: true, returning }), columns, user.id);
    return { result: render(written), user: updated };
  }

  /** The user as SCIM returns it after a write, from what the write returned (returningForResponse). */
  private render(caller: ScimCaller, user: UserEntity, written: WriteOutcome): UserResult {
    const managerId = written.returned?.manager_id;
    const managers = new Set(typeof managerId === 'string' ? [managerId] : []);
    return { resource: toScimUser(user, caller.baseUrl, this.userGroups.groupsFrom(written.returned?.related), managers), version: user.version };
  }

  private changeOf(user: UserEntity, kinds: ChangeKind[], attributes: string[], resource: () => JsonObject): ChangeToRecord {
    return { resourceType: 'User', resourceId: user.id, externalId: user.externalId ?? null, kinds, attributes, data: resource };
  }

  /** Remembers a user read or written through `em` (KnownUsers), unless a transaction is still open there. */
  private rememberCommitted(em: EntityManager, user: UserEntity): void {
    if (!em.getTransactionContext()) this.known.remember(user);
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
