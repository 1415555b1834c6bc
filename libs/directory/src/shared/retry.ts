import { DeadlockException, ForeignKeyConstraintViolationException, OptimisticLockError } from '@mikro-orm/core';

const MAX_ATTEMPTS = 3;

/**
 * Runs a whole write transaction again when it lost a race that a fresh attempt resolves: a concurrent
 * version bump (optimistic lock), a deadlock between two writers (PostgreSQL aborts one of them), or a
 * member whose user was deleted between our check and our insert (the retry then finds it gone and
 * answers 400). Not with If-Match: the client asked for exactly the version it read.
 */
export async function retryOnConcurrentChange<T>(work: (attempt: number) => Promise<T>, options: { ifMatch?: string } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!isLostRace(error) || attempt >= MAX_ATTEMPTS || options.ifMatch) throw error;
    }
  }
}

function isLostRace(error: unknown): boolean {
  return error instanceof OptimisticLockError || error instanceof DeadlockException || error instanceof ForeignKeyConstraintViolationException;
}
