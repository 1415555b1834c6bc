import { ScimError } from '../../errors';
import { findKeyIgnoreCase, isObject } from '../../resource/json';
import type { PatchQuirk } from './quirk';

// Okta's group rename (sent after every membership change) carries the read-only id:
//   {"op":"replace","value":{"id":"abf4dd94-…","displayName":"Test SCIMv2"}}
// An id equal to the resource's is dropped; a different one is an attempt to change it.
export const echoedId: PatchQuirk = {
  name: 'echoed-id',
  rewrite(operation, { resourceId }) {
    if (operation.path !== undefined) {
      if (operation.path.toLowerCase() === 'id') {
        if (operation.op !== 'remove' && operation.value === resourceId) return [];
        throw ScimError.mutability('Attribute "id" is readOnly');
      }
      return [operation];
    }
    if (!isObject(operation.value)) return [operation];
    const key = findKeyIgnoreCase(operation.value, 'id');
    if (key === undefined) return [operation];
    const { [key]: id, ...rest } = operation.value;
    if (id !== resourceId && id !== null) throw ScimError.mutability('Attribute "id" is readOnly and does not match the resource');
    return Object.keys(rest).length ? [{ ...operation, value: rest }] : [];
  },
};
