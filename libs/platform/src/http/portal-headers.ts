import type { Response } from 'express';

export interface PortalPageSettings {
  /** CSP frame-ancestors sources ("'none'" unless the host application embeds the portal). */
  frameAncestors: string;
  /** The host application's logo, when it lives on another origin (allowed as an image source). */
  logoUrl?: string;
}

/**
 * The headers of every portal page: a strict Content-Security-Policy (scripts and styles from this origin
 * only, no inline script, no other origin to talk to), who may frame it, no referrer (a setup link's key
 * must never leave in a Referer), and no MIME sniffing.
 */
export function setPortalPageHeaders(res: Response, settings: PortalPageSettings): void {
  const logoOrigin = settings.logoUrl?.startsWith('https://') ? ` ${new URL(settings.logoUrl).origin}` : '';
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' data:${logoOrigin}`,
      "connect-src 'self'",
      "font-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${settings.frameAncestors}`,
    ].join('; '),
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (settings.frameAncestors === "'none'") res.setHeader('X-Frame-Options', 'DENY');
}
