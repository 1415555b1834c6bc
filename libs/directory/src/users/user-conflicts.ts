import type { EntityManager } from '@mikro-orm/core';
import { isUniqueViolation } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import type { DerivedUserColumns } from './user.columns';
import type { UsersRepository } from './users.repository';

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

/**
 * Uniqueness of userName and of the identity email is the unique indexes' to decide, also between
 * concurrent writers: no read before the write, so a create is one statement shorter. A violation ends the
 * transaction (PostgreSQL accepts no further statement in it) and is explained after it (explainingConflicts).
 */
export async function orUniquenessConflict<T>(write: Promise<T>, columns: DerivedUserColumns, selfId?: string): Promise<T> {
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
export async function explainingConflicts<T>(em: EntityManager, users: UsersRepository, tenantId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof UniquenessConflict)) throw error;
    throw uniquenessError((await users.conflictOf(em, tenantId, error.columns, error.selfId)) ?? error.violated);
  }
}

function uniquenessError(conflict: 'userName' | 'email'): ScimError {
  return ScimError.uniqueness(
    conflict === 'userName' ? 'A user with this userName already exists in this tenant' : 'Another user of this tenant already uses this email address',
  );
}
