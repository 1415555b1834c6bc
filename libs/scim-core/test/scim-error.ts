import { ScimError } from '../src/errors';

/** Runs `fn` and returns the ScimError it throws; fails the test when it throws nothing or something else. */
export function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
