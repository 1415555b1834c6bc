import { isObject } from '../../resource/json';
import type { PatchQuirk } from './quirk';

// Entra ID with aadOptscim062020 folds several replaces into one path-less value whose keys are paths:
//   {"op":"replace","value":{"name.givenName":"Kkom",
//     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq","displayName":"Bjfe"}}
// Each dotted or URN-qualified key becomes its own operation with that path; plain keys stay path-less.
export const pathlessDottedKeys: PatchQuirk = {
  name: 'pathless-dotted-keys',
  rewrite(operation, { type }) {
    if (operation.path !== undefined || !isObject(operation.value)) return [operation];
    const urns = [type.schema.id, ...type.extensions.map((e) => e.schema.id)].map((u) => u.toLowerCase());
    const plain: Record<string, unknown> = {};
    const expanded = [];
    for (const [key, value] of Object.entries(operation.value)) {
      const lower = key.toLowerCase();
      const isWholeExtension = urns.includes(lower);
      const isQualified = !isWholeExtension && (key.includes('.') || urns.some((u) => lower.startsWith(u + ':')));
      if (isQualified) expanded.push({ op: operation.op, path: key, value });
      else plain[key] = value;
    }
    if (!expanded.length) return [operation];
    return Object.keys(plain).length ? [{ ...operation, value: plain }, ...expanded] : expanded;
  },
};
