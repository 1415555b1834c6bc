import type { ResourceType } from '../../schema/resource-type';
import type { RawPatchOperation } from '../patch-request';

export interface QuirkContext {
  type: ResourceType;
  resourceId: string;
}

/**
 * A named rewrite of one non-canonical PatchOp into canonical ones, run before the engine. Each quirk
 * documents the payload that needs it and has its own spec.
 */
export interface PatchQuirk {
  name: string;
  rewrite(operation: RawPatchOperation, context: QuirkContext): RawPatchOperation[];
}
