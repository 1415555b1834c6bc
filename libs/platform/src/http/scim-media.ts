import type { NextFunction, Request, Response } from 'express';

export const SCIM_MEDIA_TYPE = 'application/scim+json';
export const SCIM_PATH_PREFIX = '/scim/v2/';

export function isScimPath(path: string): boolean {
  return path.startsWith(SCIM_PATH_PREFIX) || path === '/scim/v2';
}

// RFC 7644 §3.1 / Entra ID: every response under the SCIM base URL is application/scim+json, errors
// included. Set early so res.json() keeps it.
export function scimContentType(req: Request, res: Response, next: NextFunction) {
  if (isScimPath(req.path)) res.type(SCIM_MEDIA_TYPE + '; charset=utf-8');
  next();
}
