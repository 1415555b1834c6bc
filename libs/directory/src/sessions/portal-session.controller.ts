import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { OperatorSignIn, PortalSession } from '@roster/contract';
import { AdminToken, ContractBody, PortalAuthenticated, Public, publicOrigin } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { scimBaseUrl } from '../tenants/tenant.presenter';
import { TenantsService } from '../tenants/tenants.service';
import { clearPortalCookie, secureCookies, setPortalCookie } from './portal-cookie';
import { PortalSessions, type ActiveSession } from './portal-sessions.service';
import { PortalThrottle } from './portal-throttle';
import './portal-session.request';

/** The portal's session: who is signed in (GET), the operator signing in with the admin token (POST), signing out (DELETE). */
@Controller('portal/api/v1/session')
export class PortalSessionController {
  constructor(
    private readonly sessions: PortalSessions,
    private readonly tenants: TenantsService,
    private readonly adminToken: AdminToken,
    private readonly throttle: PortalThrottle,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Get()
  @PortalAuthenticated()
  async current(@Req() req: Request): Promise<PortalSession> {
    return this.describe(req.portalSession!, req);
  }

  @Post()
  @Public()
  @HttpCode(201)
  async signIn(
    @Body(new ContractBody('OperatorSignIn')) body: OperatorSignIn,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PortalSession> {
    this.throttle.assertAllowed(req, 'sign-in');
    this.adminToken.assertConfigured();
    if (!this.adminToken.matches(body.adminToken)) {
      this.throttle.recordFailure(req, 'sign-in');
      throw ScimError.unauthorized('That is not the admin token');
    }
    const { secret, session, cookieExpiresAt } = await this.sessions.open('operator', null);
    setPortalCookie(res, secret, cookieExpiresAt, secureCookies(this.config.publicUrl, req));
    return this.describe(session, req);
  }

  @Delete()
  @PortalAuthenticated()
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.end(req.portalSession!.id);
    clearPortalCookie(res, secureCookies(this.config.publicUrl, req));
  }

  private async describe(session: ActiveSession, req: Request): Promise<PortalSession> {
    const tenant = session.tenantId ? await this.tenants.get(session.tenantId) : undefined;
    const { productName, logoUrl, accentColor } = this.config.portal;
    return {
      kind: session.kind,
      tenant: tenant
        ? {
            id: tenant.id,
            name: tenant.name,
            slug: tenant.slug,
            scimEnabled: tenant.scimEnabled,
            scimBaseUrl: scimBaseUrl(publicOrigin(this.config.publicUrl, req), tenant.slug),
          }
        : null,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
      branding: { productName, logoUrl: logoUrl ?? null, accentColor },
    };
  }
}
