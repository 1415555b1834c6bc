import { ScimError } from '../../errors';
import type { PatchQuirk } from './quirk';

// Entra ID without aadOptscim062020 sends "Add" / "Replace" / "Remove"; Microsoft asks servers not to
// match op case-sensitively.
export const opAnyCase: PatchQuirk = {
  name: 'op-any-case',
  rewrite(operation) {
    const op = operation.op.trim().toLowerCase();
    if (op !== 'add' && op !== 'remove' && op !== 'replace') {
      throw ScimError.invalidSyntax(`Unknown PATCH op "${operation.op}"; expected add, remove or replace`);
    }
    return [{ ...operation, op }];
  },
};
