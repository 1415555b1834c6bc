import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import { Urn } from '../messages/urns';
import { isObject } from '../resource/json';
import { textProblem } from '../resource/text';

export type PatchOpKind = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOpKind;
  path?: string;
  value?: unknown;
}

/** A PatchOp as it arrives, before quirks are normalised away: `op` may be any case. */
export interface RawPatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/** Validates the RFC 7644 §3.5.2 PatchOp envelope. */
export function parsePatchRequest(body: unknown): RawPatchOperation[] {
  if (!isObject(body)) throw ScimError.invalidSyntax('The PATCH body must be a JSON object');
  const schemas = body.schemas;
  if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === Urn.PatchOp.toLowerCase()))) {
    throw ScimError.invalidSyntax(`The PATCH body must list "${Urn.PatchOp}" in schemas`);
  }
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = key ? body[key] : undefined;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.invalidSyntax('The PATCH body must carry a non-empty "Operations" array');
  }
  if (operations.length > ScimLimits.maxPatchOperations) {
    throw ScimError.payloadTooLarge(
      `A PATCH request takes at most ${ScimLimits.maxPatchOperations} operations (got ${operations.length}); split it into several requests`,
    );
  }
  return operations.map((raw, i) => {
    if (!isObject(raw)) throw ScimError.invalidSyntax(`Operations[${i}] must be an object`);
    const get = (name: string) => raw[Object.keys(raw).find((k) => k.toLowerCase() === name) ?? name];
    const op = get('op');
    const path = get('path');
    if (typeof op !== 'string') throw ScimError.invalidSyntax(`Operations[${i}].op must be a string`);
    if (path !== undefined && path !== null && typeof path !== 'string') throw ScimError.invalidPath(`Operations[${i}].path must be a string`);
    if (typeof path === 'string') {
      if (path.length > ScimLimits.maxPathLength) throw ScimError.invalidPath(`Operations[${i}].path is longer than ${ScimLimits.maxPathLength} characters`);
      const problem = textProblem(path);
      if (problem) throw ScimError.invalidPath(`Operations[${i}].path ${problem}`);
    }
    return { op, path: typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined, value: get('value') };
  });
}
