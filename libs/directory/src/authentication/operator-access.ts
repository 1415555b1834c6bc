import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AdminToken } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { portalCookieOf } from '../sessions/portal-cookie';
import { PortalAccess } from './portal-access';

/**
 * The admin API: the operator, by `Authorization: Bearer $ROSTER_ADMIN_TOKEN` (the host application, scripts)
 * or by an operator's portal session (the console, with its CSRF token on writes). A customer's portal session
 * never gets in.
 */
@Injectable()
export class OperatorAccess {
  constructor(
    private readonly adminToken: AdminToken,
    private readonly portal: PortalAccess,
  ) {}

  async admit(req: Request): Promise<boolean> {
    this.adminToken.assertConfigured();
    const presented = this.adminToken.fromHeader(req.headers.authorization);
    if (presented !== undefined) {
      if (this.adminToken.matches(presented)) return true;
      throw ScimError.unauthorized('Missing or invalid admin token: send Authorization: Bearer $ROSTER_ADMIN_TOKEN');
    }
    if (portalCookieOf(req)) {
      const session = await this.portal.sessionOf(req);
      if (session.kind !== 'operator') throw new ScimError(403, undefined, "A customer's portal session cannot use the admin API");
      req.portalSession = session;
      return true;
    }
    throw ScimError.unauthorized('Missing or invalid admin token: send Authorization: Bearer $ROSTER_ADMIN_TOKEN');
  }
}
