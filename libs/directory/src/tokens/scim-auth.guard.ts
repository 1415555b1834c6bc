import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { publicOrigin } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { AuthFailuresService } from '../audit/auth-failures.service';
import { TenantsService } from '../tenants/tenants.service';
import { ScimBearerStrategy, type AuthenticatedToken } from './scim-bearer.strategy';
import { ScimRateLimiter } from './scim-rate-limiter';
import { hashToken } from './token-secret';

/**
 * Every route under a tenant's SCIM base URL. Accepts `Authorization: Bearer <token>` and the bare
 * token (Okta's "HTTP Header" mode sends exactly what the admin pasted), then runs the passport bearer
 * strategy (scim-bearer.strategy.ts says why not through passport.authenticate).
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
    private readonly tenants: TenantsService,
    private readonly failures: AuthFailuresService,
    private readonly limiter: ScimRateLimiter,
    private readonly strategy: ScimBearerStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // A tenant key longer than any slug names no tenant: such requests share one failure budget.
    const tenantKey = String(req.params.tenant ?? '');
    const clientKey = `${req.ip ?? ''}|${tenantKey.length <= 63 ? tenantKey.toLowerCase() : '(no such tenant)'}`;
    // The credential is read from the header once; the throttle, the strategy and the failure count use it.
    const credential = credentialOf(req.headers.authorization);
    const presented = 'token' in credential ? hashToken(credential.token) : undefined;
    try {
      this.limiter.assertMayAuthenticate(clientKey, presented);
    } catch (error) {
      req.scimAttempt = { authFailure: 'too many failed authentications' };
      throw error;
    }
    let token: AuthenticatedToken;
    try {
      token = await this.authenticate(req, credential);
    } catch (error) {
      if (error instanceof ScimError && (error.status === 401 || error.status === 403)) this.limiter.recordFailure(clientKey);
      throw error;
    }
    if (presented) this.limiter.recordSuccess(presented);
    this.limiter.assertWithinTenantRate(token.tenantId, token.rateLimitPerSecond);
    if (token.scope === 'read' && !isRead(req)) {
      throw new ScimError(403, undefined, 'This token is read-only: it may GET resources and POST .search requests, nothing else');
    }
    req.scimCaller = {
      tenantId: token.tenantId,
      tokenId: token.tokenId,
      scope: token.scope,
      eventStreams: token.eventStreams,
      baseUrl: `${publicOrigin(this.config.publicUrl, req)}/scim/v2/${encodeURIComponent(tenantKey)}`,
      ratePerSecond: this.limiter.rateOf(token.rateLimitPerSecond),
    };
    return true;
  }

  private async authenticate(req: Request, credential: Credential): Promise<AuthenticatedToken> {
    if ('missing' in credential) {
      await this.countFailure(req, 'missing Authorization header');
      throw ScimError.unauthorized('Missing Authorization header: send "Authorization: Bearer <token>"');
    }
    if ('basicWithoutToken' in credential) {
      await this.countFailure(req, 'Basic authentication without a token');
      throw ScimError.unauthorized('Send the Roster token as a bearer token (or as the Basic password)');
    }
    // passport-http-bearer reads "Bearer <token>": the bare token and the Basic password are handed to it so.
    req.headers.authorization = `Bearer ${credential.token}`;
    const token = await this.strategy.verify(req);
    if (!token) throw ScimError.unauthorized('Malformed Authorization header: send "Authorization: Bearer <token>"');
    return token;
  }

  private async countFailure(req: Request, reason: string): Promise<void> {
    const tenant = await this.tenants.findByKey(String(req.params.tenant ?? ''));
    req.scimAttempt = { tenantId: tenant?.id, authFailure: reason };
    if (tenant) await this.failures.count(tenant.id, reason);
  }
}

/** What a read-only token may do: GET (and HEAD) anything, and POST a query to a .search endpoint. */
function isRead(req: Request): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  return req.method === 'POST' && /\/\.search\/?$/.test(req.path);
}

type Credential = { token: string } | { missing: true } | { basicWithoutToken: true };

/**
 * What the Authorization header presents: `Bearer <token>`, the bare token (Okta's "HTTP Header" mode sends
 * exactly what the admin pasted), or Basic with the token as the password (legacy clients: Okta's Basic-auth
 * test app, PingFederate) or, with no password, as the user name.
 */
function credentialOf(header: string | undefined): Credential {
  const value = header?.trim();
  if (!value) return { missing: true };
  const basic = /^basic\s+(\S+)$/i.exec(value);
  if (basic) {
    const token = tokenFromBasic(basic[1]);
    return token ? { token } : { basicWithoutToken: true };
  }
  return { token: value.replace(/^bearer\s+/i, '') };
}

function tokenFromBasic(encoded: string): string | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const token = decoded.slice(colon + 1) || decoded.slice(0, colon);
  return token.trim() || undefined;
}
