import type { NextFunction, Request, Response } from 'express';
import { ScimError } from '@roster/scim-core';

/** Until migrations are applied, everything but the health checks answers 503. */
export function readinessGate(isReady: () => boolean, onError: (error: unknown, req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isReady() || req.path === '/health' || req.path.startsWith('/health/')) return next();
    res.setHeader('Retry-After', '5');
    onError(new ScimError(503, undefined, 'Roster is starting: the database is being migrated'), req, res);
  };
}
