import { Urn } from '../../messages/urns';
import type { PatchQuirk } from './quirk';

const MANAGER_PATHS = ['manager', `${Urn.EnterpriseUser}:manager`.toLowerCase()];

// Entra ID sends the enterprise manager in three shapes (F-EN-8, docs/idp-behaviour.md):
//   {"op":"Add","path":"urn:…:enterprise:2.0:User:manager","value":"2c2f6fb8-…"}          (plain id)
//   {"op":"Add","path":"manager","value":[{"$ref":"http://…/Users/00aa…","value":"00aa…"}]} (array, bare path)
//   {"op":"Replace","path":"manager","value":""}                                         (clear)
// All become a replace of the extension's manager object, or its removal.
export const managerShapes: PatchQuirk = {
  name: 'manager-shapes',
  rewrite(operation) {
    if (operation.path === undefined || !MANAGER_PATHS.includes(operation.path.toLowerCase())) return [operation];
    const path = `${Urn.EnterpriseUser}:manager`;
    if (operation.op === 'remove') return [{ op: 'remove', path }];
    let value = operation.value;
    if (Array.isArray(value)) value = value[0];
    if (typeof value === 'string') value = value.trim() === '' ? undefined : { value };
    if (value && typeof value === 'object' && !('value' in value) && Object.keys(value).length) {
      const key = Object.keys(value).find((k) => k.toLowerCase() === 'value');
      value = key ? { value: (value as Record<string, unknown>)[key] } : value;
    }
    const id = value && typeof value === 'object' ? (value as Record<string, unknown>).value : undefined;
    if (id === undefined || id === null || id === '') return [{ op: 'remove', path }];
    return [{ op: 'replace', path, value: { value: id } }];
  },
};
