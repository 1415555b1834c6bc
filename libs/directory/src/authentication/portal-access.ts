import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ScimError } from '@roster/scim-core';
import { portalCookieOf } from '../sessions/portal-cookie';
import { csrfTokenMatches, PortalSessions, type ActiveSession } from '../sessions/portal-sessions.service';
import '../sessions/portal-session.request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The portal's JSON API: a session cookie, and on every write the session's CSRF token in X-CSRF-Token (a
 * cross-site form or fetch can send the cookie, never the header). Sets req.portalSession.
 */
@Injectable()
export class PortalAccess {
  constructor(private readonly sessions: PortalSessions) {}

  async admit(req: Request): Promise<boolean> {
    req.portalSession = await this.sessionOf(req);
    return true;
  }

  /** The request's session, its CSRF token checked on writes; 401 without one, 403 without the token. */
  async sessionOf(req: Request): Promise<ActiveSession> {
    const secret = portalCookieOf(req);
    const session = secret ? await this.sessions.verify(secret) : undefined;
    if (!session) throw new ScimError(401, undefined, 'Sign in to the portal, or open your setup link again: this session has ended or never began');
    if (!SAFE_METHODS.has(req.method) && !csrfTokenMatches(session, req.get('x-csrf-token'))) {
      throw new ScimError(403, undefined, 'Missing or wrong X-CSRF-Token: send the csrfToken of GET /portal/api/v1/session with every change');
    }
    return session;
  }
}
