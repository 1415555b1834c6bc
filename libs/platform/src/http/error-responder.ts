import { randomUUID } from 'node:crypto';
import { HttpException, NotFoundException } from '@nestjs/common';
import {
  ConstraintViolationException,
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ScimError, toErrorResponse } from '@roster/scim-core';
import type { RouteTable } from './route-table';
import { isScimPath, SCIM_MEDIA_TYPE } from './scim-media';

/**
 * The single mapping from any thrown thing to an RFC 7644 §3.12 error body. Used by the global Nest
 * exception filter (guards, pipes, handlers) and by the Express error handler (body parsing), so every
 * failure — including ones no interceptor can see — gets the same envelope.
 */
export class ErrorResponder {
  constructor(
    private readonly logger: Logger,
    private readonly routes: RouteTable,
  ) {}

  toScimError(error: unknown, req: Request): ScimError {
    if (error instanceof ScimError) return error;
    const fromDatabase = databaseErrorToScim(error);
    if (fromDatabase) {
      if (fromDatabase.status === 400)
        this.logger.warn({ requestId: req.requestId, path: req.path, error: (error as Error).name }, 'database refused a value the validator accepted');
      return fromDatabase;
    }
    if (error instanceof NotFoundException && isRouterNotFound(error)) {
      const allowed = this.routes.allowedMethods(req.path);
      if (allowed.length) {
        return new ScimError(405, undefined, `Method ${req.method} is not allowed here; allowed: ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
      }
      return ScimError.notFound(`No endpoint at ${req.path}`);
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return new ScimError(status, undefined, Array.isArray(message) ? message.join('; ') : String(message ?? error.message));
    }
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId, requestId: req.requestId, path: req.path }, 'unhandled error');
    return new ScimError(500, undefined, `Internal error (id ${errorId})`);
  }

  send(error: unknown, req: Request, res: Response): void {
    const scimError = this.toScimError(error, req);
    if (res.headersSent) return;
    // For the SCIM request log (what the identity provider was told, and whether the path named an endpoint).
    res.locals.scimError = {
      scimType: scimError.scimType,
      detail: scimError.detail,
      noEndpoint: scimError.status === 404 && scimError.detail.startsWith('No endpoint at'),
    };
    for (const [name, value] of Object.entries(scimError.headers)) res.setHeader(name, value);
    res.status(scimError.status);
    res.type(isScimPath(req.path) ? SCIM_MEDIA_TYPE + '; charset=utf-8' : 'application/json; charset=utf-8');
    res.send(JSON.stringify(toErrorResponse(scimError.status, scimError.detail, scimError.scimType)));
  }

  /** Express error-handling middleware for failures before Nest's router (body parsing). */
  expressHandler() {
    return (error: unknown, req: Request, res: Response, _next: NextFunction) => this.send(error, req, res);
  }
}

/**
 * What a database error means to a SCIM client, or undefined when it is not one Roster expects. Used for
 * whole requests (above) and for each operation of a Bulk request.
 */
export function databaseErrorToScim(error: unknown): ScimError | undefined {
  if (error instanceof UniqueConstraintViolationException) return ScimError.uniqueness('A resource with the same unique value already exists');
  if (error instanceof OptimisticLockError || error instanceof DeadlockException || error instanceof ForeignKeyConstraintViolationException) {
    return new ScimError(409, undefined, 'The resource or one it refers to was changed concurrently; retry the request');
  }
  if (error instanceof LockWaitTimeoutException || isSqliteBusy(error)) {
    // SQLite's busy timeout (another process holds the write lock) or a PostgreSQL lock timeout.
    return new ScimError(503, undefined, 'The database is busy; retry the request shortly', { 'Retry-After': '1' });
  }
  if (error instanceof ConstraintViolationException || isDataException(error)) {
    // The validator should have refused this first; the database's word stays a 400, never a 500.
    return ScimError.invalidValue('A value was refused by the database');
  }
  return undefined;
}

// SQLite's "database is locked" from a statement the ORM did not translate (BEGIN, COMMIT, ROLLBACK).
function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

// PostgreSQL SQLSTATE class 22 (data exception): a value out of range, too long, or not encodable.
function isDataException(error: unknown): boolean {
  return error instanceof DriverException && typeof error.code === 'string' && error.code.startsWith('22');
}

function isRouterNotFound(error: NotFoundException): boolean {
  const response = error.getResponse();
  const message = typeof response === 'object' ? (response as { message?: unknown }).message : response;
  return typeof message === 'string' && /^Cannot [A-Z]+ /.test(message);
}
