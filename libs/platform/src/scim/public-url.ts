import type { Request } from 'express';

/** ROSTER_PUBLIC_URL when set, else the origin the request reached us on. */
export function publicOrigin(configured: string | undefined, req: Request): string {
  if (configured) return configured;
  const host = req.get('host') ?? 'localhost';
  return `${req.protocol}://${host}`;
}
