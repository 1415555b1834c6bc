import type { NextFunction, Request, Response } from 'express';
import { ScimError } from '@roster/scim-core';

export const SCIM_MEDIA_TYPE = 'application/scim+json';

export function isScimPath(path: string): boolean {
  return path.startsWith('/scim/');
}

// RFC 7644 §3.1 / Entra ID: every response under the SCIM base URL is application/scim+json, errors
// included. Set early so res.json() keeps it.
export function scimContentType(req: Request, res: Response, next: NextFunction) {
  if (isScimPath(req.path)) res.type(SCIM_MEDIA_TYPE + '; charset=utf-8');
  next();
}

// RFC 7644 §3.12 invalidVers: a client configured for SCIM 1.1 gets told what to change instead of a 404.
export function rejectOtherScimVersions(req: Request, _res: Response, next: NextFunction) {
  const version = /^\/scim\/(v[\d.]+)(\/|$)/i.exec(req.path)?.[1];
  if (version && version.toLowerCase() !== 'v2') {
    return next(new ScimError(400, 'invalidVers', `Roster speaks SCIM 2.0 only: use the /scim/v2/… base URL, not /scim/${version}/`));
  }
  next();
}
