import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { databaseErrorToScim, etagOf, type ScimCaller } from '@roster/platform';
import {
  bulkReferences,
  parseBulkRequest,
  resolveBulkReferences,
  ScimError,
  ScimLimits,
  toErrorResponse,
  Urn,
  type BulkOperation,
  type JsonObject,
} from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { ScimCollections } from '../shared/scim-collections';
import { ScimRateLimiter } from '../tokens/scim-rate-limiter';

export interface BulkOperationResult {
  method: string;
  bulkId?: string;
  location?: string;
  version?: string;
  status: string;
  response?: JsonObject;
}

/**
 * RFC 7644 §3.7. Each operation is exactly the single request it stands for — same validation, same
 * audit event, its own transaction — so a Bulk request never holds a lock longer than one write. Operations
 * run in order; one that refers to a bulkId created later in the request waits until that operation has run
 * (a reference that never resolves, or resolves to a failed operation, is a 409 for that operation).
 */
@Injectable()
export class BulkService {
  constructor(
    private readonly collections: ScimCollections,
    private readonly limiter: ScimRateLimiter,
  ) {}

  async run(caller: ScimCaller, body: unknown, context: AuditContext): Promise<{ schemas: string[]; Operations: BulkOperationResult[] }> {
    const request = parseBulkRequest(body, this.collections.endpoints());
    // Every operation is a request of the tenant's: paid for from its bucket, all before the first one runs.
    const most = this.limiter.bulkOperationsFor(caller.ratePerSecond, ScimLimits.maxBulkOperations);
    if (request.operations.length > most) {
      throw ScimError.payloadTooLarge(
        `This tenant's Bulk requests take at most ${most} operations (each is a request, and the tenant may send ${caller.ratePerSecond} per second); got ${request.operations.length}`,
      );
    }
    this.limiter.assertBulkWithinRate(caller.tenantId, caller.ratePerSecond, request.operations.length);
    const results = new Map<number, BulkOperationResult>();
    const created = new Map<string, string>();
    const failedBulkIds = new Set<string>();
    let pending = request.operations.map((operation, index) => ({ operation, index }));
    let errors = 0;
    const stop = () => request.failOnErrors !== undefined && errors >= request.failOnErrors;

    while (pending.length && !stop()) {
      const waiting: typeof pending = [];
      for (const item of pending) {
        if (stop()) break;
        const references = bulkReferences(item.operation);
        const unresolved = references.filter((id) => !created.has(id));
        const blocked = unresolved.filter((id) => !failedBulkIds.has(id) && request.operations.some((o) => o.bulkId === id) && id !== item.operation.bulkId);
        if (unresolved.length && blocked.length === unresolved.length) {
          waiting.push(item); // its references come later in the request
          continue;
        }
        // Let other requests in between operations: on SQLite a whole operation can complete without ever
        // waiting for I/O, so without this a large Bulk would hold the event loop from start to end.
        await yieldToEventLoop();
        const result = unresolved.length
          ? failure(
              item.operation,
              new ScimError(
                409,
                undefined,
                `bulkId reference${unresolved.length > 1 ? 's' : ''} ${unresolved.map((id) => `"${id}"`).join(', ')} did not resolve to a created resource`,
              ),
            )
          : await this.execute(caller, resolveBulkReferences(item.operation, created), context);
        if (Number(result.status) >= 400) {
          errors++;
          if (item.operation.bulkId) failedBulkIds.add(item.operation.bulkId);
        } else if (item.operation.method === 'POST' && item.operation.bulkId && result.location) {
          created.set(item.operation.bulkId, result.location.split('/').pop()!);
        }
        results.set(item.index, result);
      }
      // No progress: the rest refer to one another in a cycle (RFC 7644 §3.7.1 allows refusing those).
      pending = waiting.length === pending.length ? [] : waiting;
      for (const item of waiting.length && !pending.length ? waiting : []) {
        if (stop()) break;
        errors++;
        results.set(item.index, failure(item.operation, new ScimError(409, undefined, 'Circular bulkId references cannot be resolved')));
      }
    }
    return {
      schemas: [Urn.BulkResponse],
      Operations: [...results.entries()].sort(([a], [b]) => a - b).map(([, result]) => result),
    };
  }

  private async execute(caller: ScimCaller, operation: BulkOperation, context: AuditContext): Promise<BulkOperationResult> {
    const [, endpoint, id] = operation.path.split('/');
    const collection = this.collections.forEndpoint(`/${endpoint}`);
    try {
      switch (operation.method) {
        case 'POST':
          return success(operation, '201', await collection.create(caller, operation.data, context));
        case 'PUT':
          return success(operation, '200', await collection.replace(caller, id, operation.data, operation.version, context));
        case 'PATCH':
          return success(operation, '200', await collection.patch(caller, id, operation.data, operation.version, context));
        case 'DELETE':
          await collection.delete(caller, id, operation.version, context);
          return {
            method: operation.method,
            ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
            location: `${caller.baseUrl}${collection.type.endpoint}/${id}`,
            status: '204',
          };
      }
    } catch (error) {
      const scimError = error instanceof ScimError ? error : databaseErrorToScim(error);
      if (!scimError) throw error;
      return failure(operation, scimError);
    }
  }
}

function success(operation: BulkOperation, status: string, outcome: { resource?: JsonObject; version: number } | undefined): BulkOperationResult {
  const meta = outcome?.resource?.meta as { location?: string } | undefined;
  return {
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    ...(meta?.location ? { location: meta.location } : {}),
    ...(outcome ? { version: etagOf(outcome.version) } : {}),
    status,
  };
}

function failure(operation: BulkOperation, error: ScimError): BulkOperationResult {
  return {
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    status: String(error.status),
    response: toErrorResponse(error.status, error.detail, error.scimType) as unknown as JsonObject,
  };
}
