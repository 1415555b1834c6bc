import { findKeyIgnoreCase, isObject } from '../../resource/json';
import type { PatchQuirk } from './quirk';

// Entra ID pushes app-role assignments when a customer maps them, without aadOptscim062020 as a
// JSON-encoded string: {"op":"Add","path":"roles","value":[{"value":"{\"id\":\"06b0…\",…}"}]}.
// Roster stores no roles, so these operations are dropped instead of failing the whole update.
export const unsupportedRoles: PatchQuirk = {
  name: 'unsupported-roles',
  rewrite(operation) {
    if (operation.path !== undefined) {
      return /^roles(\[|\.|$)/i.test(operation.path) ? [] : [operation];
    }
    if (!isObject(operation.value)) return [operation];
    const key = findKeyIgnoreCase(operation.value, 'roles');
    if (key === undefined) return [operation];
    const { [key]: _roles, ...rest } = operation.value;
    return Object.keys(rest).length ? [{ ...operation, value: rest }] : [];
  },
};
