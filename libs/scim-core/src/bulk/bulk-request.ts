import { ScimError } from '../errors';
import { ScimLimits } from '../limits';
import { Urn } from '../messages/urns';
import { isObject } from '../resource/json';
import { resourceTypes } from '../schema/registry';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BulkOperation {
  method: BulkMethod;
  /** "/Users", "/Groups/{id}", or "/Users/bulkId:{bulkId}" for a resource created earlier in the request. */
  path: string;
  bulkId?: string;
  /** An ETag to apply as If-Match. */
  version?: string;
  data?: unknown;
}

export interface BulkRequest {
  operations: BulkOperation[];
  /** Stop after this many failed operations (RFC 7644 §3.7.3); unlimited when absent. */
  failOnErrors?: number;
}

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
const BULK_ID = /^[\w.:-]{1,128}$/;

/**
 * Validates the RFC 7644 §3.7 BulkRequest envelope; the operations' own bodies are validated when they run.
 * `endpoints` are the collections a path may name (the resource types served: `/Users`, `/Groups`).
 */
export function parseBulkRequest(body: unknown, endpoints: readonly string[] = resourceTypes.map((type) => type.endpoint)): BulkRequest {
  const known = new Set(endpoints.map((endpoint) => endpoint.toLowerCase()));
  const names = endpoints.join(', ');
  if (!isObject(body)) throw ScimError.invalidSyntax('The request body must be a BulkRequest object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === Urn.BulkRequest.toLowerCase())) {
    throw ScimError.invalidSyntax(`A BulkRequest lists "${Urn.BulkRequest}" in schemas`);
  }
  const get = (object: Record<string, unknown>, name: string) => object[Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name];
  const failOnErrors = get(body, 'failOnErrors');
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    throw ScimError.invalidValue('failOnErrors must be a positive integer');
  }
  const operations = get(body, 'Operations');
  if (!Array.isArray(operations) || !operations.length) throw ScimError.invalidSyntax('A BulkRequest carries a non-empty "Operations" array');
  if (operations.length > ScimLimits.maxBulkOperations) {
    throw ScimError.payloadTooLarge(`A Bulk request takes at most ${ScimLimits.maxBulkOperations} operations (got ${operations.length})`);
  }
  const seen = new Set<string>();
  return {
    failOnErrors: failOnErrors as number | undefined,
    operations: operations.map((raw, i) => {
      if (!isObject(raw)) throw ScimError.invalidSyntax(`Operations[${i}] must be an object`);
      const method = String(get(raw, 'method') ?? '').toUpperCase() as BulkMethod;
      if (!METHODS.includes(method)) throw ScimError.invalidValue(`Operations[${i}].method must be one of ${METHODS.join(', ')}`);
      const path = get(raw, 'path');
      const collection = typeof path === 'string' ? /^(\/[^/?#]+)(\/[^/?#]+)?$/.exec(path)?.[1] : undefined;
      if (typeof path !== 'string' || !collection || !known.has(collection.toLowerCase())) {
        throw ScimError.invalidValue(`Operations[${i}].path must name one of ${names}, or a resource under it ({endpoint}/{id})`);
      }
      const hasId = path.split('/').length === 3;
      if (method === 'POST' ? hasId : !hasId)
        throw ScimError.invalidValue(`Operations[${i}]: ${method} ${method === 'POST' ? 'takes a collection' : 'takes a resource'} path`);
      const bulkId = get(raw, 'bulkId');
      if (bulkId !== undefined && (typeof bulkId !== 'string' || !BULK_ID.test(bulkId)))
        throw ScimError.invalidValue(`Operations[${i}].bulkId must be 1-128 letters, digits, ".", ":", "_" or "-"`);
      if (method === 'POST' && bulkId === undefined) throw ScimError.invalidValue(`Operations[${i}]: a POST needs a bulkId (RFC 7644 §3.7)`);
      if (typeof bulkId === 'string') {
        if (seen.has(bulkId)) throw ScimError.invalidValue(`Operations[${i}].bulkId "${bulkId}" is used twice`);
        seen.add(bulkId);
      }
      const version = get(raw, 'version');
      if (version !== undefined && typeof version !== 'string') throw ScimError.invalidValue(`Operations[${i}].version must be a string (an ETag)`);
      const data = get(raw, 'data');
      if (method !== 'DELETE' && !isObject(data)) throw ScimError.invalidValue(`Operations[${i}]: ${method} needs a "data" object`);
      return { method, path, bulkId: bulkId as string | undefined, version: version as string | undefined, data };
    }),
  };
}

const REFERENCE = /^bulkId:(.+)$/;

/** Every bulkId an operation refers to, in its path and anywhere in its data ("bulkId:{id}" strings). */
export function bulkReferences(operation: BulkOperation): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = REFERENCE.exec(value);
      if (match) found.push(match[1]);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  visit(operation.path.split('/')[2]);
  visit(operation.data);
  return found;
}

/** The operation with every "bulkId:{id}" replaced by the id of the resource that bulkId created. */
export function resolveBulkReferences(operation: BulkOperation, ids: ReadonlyMap<string, string>): BulkOperation {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const match = REFERENCE.exec(value);
      return match && ids.has(match[1]) ? ids.get(match[1]) : value;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  const [, collection, id] = operation.path.split('/');
  return { ...operation, path: id === undefined ? operation.path : `/${collection}/${replace(id) as string}`, data: replace(operation.data) };
}
