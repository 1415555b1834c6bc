import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { BoundedMap } from '@roster/platform';
import type { UserEntity } from './user.entity';

// Identity providers update a user right after they create or read it (Entra ID sets the manager after the
// create, Okta deactivates after a GET); a few thousand users cover every flow in flight, in a few MB. Users
// can be up to 64 KB each, so what they hold is bounded too.
const REMEMBERED_USERS = 4096;
const REMEMBERED_BYTES = { maxBytes: 16 * 1024 * 1024, sizeOf: (_key: string, user: UserEntity) => user.documentBytes + 512 };

/**
 * The users this process last wrote or read, each as it was committed then, so that an update can skip
 * reading the user first (UsersService). A remembered user may have changed since, in this process or
 * another: it is only ever written back through the guarded update, which checks that the row is still
 * at the remembered version, and a user that moved on is read afresh.
 *
 * That check is enough because a user's version names one content for good: every write of the row
 * moves the version on, and a restored user continues the version it was deleted at (deleted-users.service.ts).
 */
@Injectable()
export class KnownUsers {
  private readonly users = new BoundedMap<string, UserEntity>(REMEMBERED_USERS, REMEMBERED_BYTES);

  /** A copy of the user as this process last saw it committed, if it remembers it. */
  get(tenantId: string, id: string): UserEntity | undefined {
    const user = this.users.get(keyOf(tenantId, id));
    return user && { ...user };
  }

  /**
   * Remembers a user read or written through `em`, unless a transaction is still open there: an update may
   * build on it, so it must be committed. Callers pass the user as the read or write left it.
   */
  rememberIfCommitted(em: EntityManager, user: UserEntity): void {
    if (!em.getTransactionContext()) this.users.set(keyOf(user.tenantId, user.id), { ...user });
  }

  forget(tenantId: string, id: string): void {
    this.users.delete(keyOf(tenantId, id));
  }
}

function keyOf(tenantId: string, id: string): string {
  return `${tenantId}/${id.toLowerCase()}`;
}
