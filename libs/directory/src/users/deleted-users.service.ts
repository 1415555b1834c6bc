import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { isUniqueViolation } from '@roster/platform';
import type { DeletedUserPage } from '@roster/contract';
import { ScimError, type JsonObject, type ResourceDocument } from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { diffDocuments } from '../audit/diff';
import { decodeAdminCursor, encodeAdminCursor } from '../shared/admin-page-cursor';
import { isUuid } from '../shared/ids';
import { writeAll } from '../shared/write-all';
import { fromSql } from '../shared/sql';
import { DeletedUsersRepository } from './deleted-users.repository';
import { deriveUserColumns } from './user.columns';
import { toScimUser } from './user.mapper';
import { newUser, UsersRepository } from './users.repository';
import { changedPaths, changeKinds } from '../events/change-records';
import { ProvisioningOutbox } from '../events/outbox';

export interface DeletedUserView {
  id: string;
  userName: string;
  externalId: string | null;
  deletedAt: Date;
  purgeAfter: Date;
}

const DAY_MS = 86_400_000;

/** Users deleted over SCIM: listed for administrators, restorable until the nightly job purges them. */
@Injectable()
export class DeletedUsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersRepository,
    private readonly deletedUsers: DeletedUsersRepository,
    private readonly audit: AuditService,
    private readonly outbox: ProvisioningOutbox,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Most recently deleted first, keyset-paged on (deletedAt, id). */
  async list(tenantId: string, limit: number, cursor: string | undefined): Promise<{ items: DeletedUserView[]; nextCursor: string | null }> {
    const after = cursor === undefined ? undefined : decodeAdminCursor(cursor);
    const rows = await this.deletedUsers.page(this.em.fork(), tenantId, after, limit);
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      userName: row.userName,
      externalId: row.externalId,
      deletedAt: row.deletedAt,
      purgeAfter: new Date(row.deletedAt.getTime() + this.config.deletedUserRetentionDays * DAY_MS),
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeAdminCursor({ at: last.deletedAt, id: last.id }) : null };
  }

  /**
   * Puts a deleted user back, with its id, document and creation time, at the version after the one it was
   * deleted at: an ETag kept from before the delete no longer matches, and no version of the user ever
   * names two contents (which KnownUsers relies on). 409 when its userName or identity email has been taken
   * since; group memberships are not restored.
   */
  async restore(tenantId: string, userId: string, baseUrl: string, context: AuditContext): Promise<JsonObject> {
    return this.em.transactional(async (em) => {
      const deleted = isUuid(userId) ? await this.deletedUsers.find(em, tenantId, userId.toLowerCase()) : undefined;
      if (!deleted) throw ScimError.notFound(`Deleted user ${userId} not found`);
      const document = fromSql.json<ResourceDocument>(deleted.document);
      const columns = deriveUserColumns(document);
      const conflict = await this.users.conflictOf(em, tenantId, columns);
      if (conflict)
        throw ScimError.uniqueness(`Cannot restore: another user of this tenant now has this ${conflict === 'userName' ? 'userName' : 'email address'}`);
      const { emails: _emails, ...derived } = columns;
      const user = newUser({
        id: deleted.id,
        tenantId,
        ...derived,
        document,
        createdAt: deleted.createdAt,
        updatedAt: new Date(),
      });
      user.version = deleted.version + 1;
      try {
        await writeAll(em, this.users.insertion(em, user, columns));
      } catch (error) {
        if (isUniqueViolation(error)) throw ScimError.uniqueness('Cannot restore: another user of this tenant now has this userName or email address');
        throw error;
      }
      await this.deletedUsers.remove(em, tenantId, user.id);
      const changes = diffDocuments({}, document);
      await this.audit.record(em, tenantId, context, {
        action: 'user.restored',
        resource: { type: 'User', id: user.id, name: user.userName, externalId: user.externalId ?? null },
        changes,
        httpStatus: 200,
      });
      // For a receiver, a restored user is a user that exists again: a create.
      const resource = toScimUser(user, baseUrl);
      await this.outbox.record(em, { tenantId }, [
        {
          resourceType: 'User',
          resourceId: user.id,
          externalId: user.externalId ?? null,
          kinds: changeKinds('create'),
          attributes: changedPaths(changes, 'id'),
          data: () => resource,
        },
      ]);
      return resource;
    });
  }

  /** Deletes for good the users deleted more than the retention period ago; the nightly job calls this. */
  async purge(retentionDays: number, now = new Date()): Promise<number> {
    return this.deletedUsers.purgeDeletedBefore(this.em.fork(), new Date(now.getTime() - retentionDays * DAY_MS));
  }
}

/** A page of deleted users as the admin API and the portal send it. */
export function deletedUserPageBody(page: { items: DeletedUserView[]; nextCursor: string | null }): DeletedUserPage {
  return {
    items: page.items.map((item) => ({ ...item, deletedAt: item.deletedAt.toISOString(), purgeAfter: item.purgeAfter.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
