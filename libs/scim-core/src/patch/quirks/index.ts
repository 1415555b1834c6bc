import type { RawPatchOperation } from '../patch-request';
import type { PatchOperation } from '../patch-request';
import { echoedId } from './echoed-id.quirk';
import { opAnyCase } from './op-any-case.quirk';
import { pathlessDottedKeys } from './pathless-dotted-keys.quirk';
import type { PatchQuirk, QuirkContext } from './quirk';
import { unsupportedRoles } from './unsupported-roles.quirk';
import { managerShapes } from './manager-shapes.quirk';

export type { PatchQuirk, QuirkContext } from './quirk';
export { echoedId, opAnyCase, pathlessDottedKeys, unsupportedRoles, managerShapes };

/** Order matters: op names are normalised first, then path-less keys are expanded into paths. */
export const patchQuirks: readonly PatchQuirk[] = [opAnyCase, pathlessDottedKeys, echoedId, unsupportedRoles, managerShapes];

export function normaliseOperations(operations: RawPatchOperation[], context: QuirkContext): PatchOperation[] {
  let current = operations;
  for (const quirk of patchQuirks) current = current.flatMap((op) => quirk.rewrite(op, context));
  return current as PatchOperation[];
}
