import type { Request } from 'express';

/**
 * ROSTER_PUBLIC_URL when set, else the origin the request reached us on. X-Forwarded-Proto and
 * X-Forwarded-Host count only from proxies trusted by ROSTER_TRUST_PROXY (Express's `trust proxy`);
 * from anyone else they are ignored, so a caller cannot choose the URLs Roster hands out.
 */
export function publicOrigin(configured: string | undefined, req: Request): string {
  if (configured) return configured;
  return `${req.protocol}://${req.host ?? 'localhost'}`;
}
