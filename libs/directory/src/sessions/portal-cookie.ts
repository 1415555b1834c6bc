import type { Request, Response } from 'express';

/** The portal session's cookie: HttpOnly, SameSite=Lax, Secure on https, for the whole origin (portal and admin API). */
export const PORTAL_COOKIE = 'roster_portal';

export function portalCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PORTAL_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setPortalCookie(res: Response, secret: string, expiresAt: Date, secure: boolean): void {
  res.cookie(PORTAL_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearPortalCookie(res: Response, secure: boolean): void {
  res.clearCookie(PORTAL_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

/** Secure cookies when Roster's public URL is https, or the request came over https (through a trusted proxy). */
export function secureCookies(publicUrl: string | undefined, req: Request): boolean {
  return publicUrl ? publicUrl.startsWith('https:') : req.secure;
}
