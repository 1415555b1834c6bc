import { Injectable } from '@nestjs/common';
import { EntityManager, OptimisticLockError } from '@mikro-orm/core';
import { assertIfMatch, type ScimCaller } from '@roster/platform';
import { deepEqual, ScimError, type ResourceDocument } from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { diffDocuments } from '../audit/diff';
import { changedPaths, changeKinds } from '../events/change-records';
import { ProvisioningOutbox } from '../events/outbox';
import { retryOnConcurrentChange } from '../shared/retry';
import { dialectOf } from '../shared/sql';
import type { WriteOutcome } from '../shared/write-all';
import { KnownUsers } from './known-users';
import { deriveUserColumns, emailRowsOf, rowColumns } from './user.columns';
import type { UserEntity } from './user.entity';
import { auditIdentityOf, userChange } from './user.mapper';
import { orUniquenessConflict } from './user-conflicts';
import { UserViews, type UserResult } from './user-views';
import { UsersRepository } from './users.repository';

/** A user's new document, computed from the user as it is (undefined: the request changes nothing). */
export type Revision = (user: UserEntity) => ResourceDocument | undefined;

/** An update's answer, and the user as the update left it. */
interface Updated {
  result: UserResult;
  user: UserEntity;
}

/** The write path of PUT and PATCH on a user. */
@Injectable()
export class UserUpdates {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersRepository,
    private readonly views: UserViews,
    private readonly audit: AuditService,
    private readonly outbox: ProvisioningOutbox,
    private readonly known: KnownUsers,
  ) {}

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
  async update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    context: AuditContext,
    kind: 'put' | 'patch',
    revise: Revision,
  ): Promise<UserResult> {
    const known = ifMatch ? undefined : this.known.get(caller.tenantId, id);
    const updated =
      (known && (await this.updateKnown(caller, known, context, kind, revise))) || (await this.updateRead(caller, id, ifMatch, context, kind, revise));
    this.known.rememberIfCommitted(this.em, updated.user);
    return updated.result;
  }

  /** The update built on the remembered user; undefined when only a read can answer it (update()). */
  private async updateKnown(caller: ScimCaller, known: UserEntity, context: AuditContext, kind: 'put' | 'patch', revise: Revision) {
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

  private updateRead(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext, kind: 'put' | 'patch', revise: Revision) {
    const work = async (em: EntityManager): Promise<Updated> => {
      const { user, groups } = await this.views.require(em, caller.tenantId, id, !!em.getTransactionContext());
      assertIfMatch(ifMatch, user.version);
      const document = revise(user);
      const updated = document && (await this.write(em, caller, user, document, context, kind));
      return updated ?? { result: await this.views.present(em, caller, user, groups), user };
    };
    const optimisticFirst = !ifMatch && dialectOf(this.em) === 'postgresql';
    return retryOnConcurrentChange((attempt) => (attempt === 1 && optimisticFirst ? work(this.em) : this.em.transactional(work)), { ifMatch });
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
    const updated: UserEntity = { ...user, ...rowColumns(columns), document, updatedAt: new Date() };
    const action = user.active && !updated.active ? 'user.deactivated' : !user.active && updated.active ? 'user.reactivated' : 'user.updated';
    const statements = [
      ...this.users.update(em, user, updated, columns, emailsChanged),
      this.audit.recording(em, caller.tenantId, context, { action, resource: auditIdentityOf(updated), changes, httpStatus: 200 }),
    ];
    updated.version += 1; // what the update makes it; the response and the event carry the new version
    // The write returns the user's groups and whether its manager is a user, as a read would have.
    const returning = this.views.returningForResponse(em, updated);
    let result: UserResult | undefined;
    const present = (written: WriteOutcome) => (result ??= this.views.presentWritten(caller, updated, written));
    const change = (written: WriteOutcome) => [
      userChange(updated, changeKinds(kind, user.active, updated.active), changedPaths(changes), () => present(written).resource),
    ];
    const written = await orUniquenessConflict(this.outbox.write(em, caller, statements, change, { firstMustChange: true, returning }), columns, user.id);
    return { result: present(written), user: updated };
  }
}
