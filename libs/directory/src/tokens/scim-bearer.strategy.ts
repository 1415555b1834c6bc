import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import { ScimError } from '@roster/scim-core';
import { AuthFailuresService } from '../audit/auth-failures.service';
import type { TokenScope } from './scim-token.entity';
import { TokensService } from './tokens.service';

/** What of the request the bearer strategy may see. */
interface HeaderOnlyRequest {
  headers: Request['headers'];
  params: Request['params'];
}

export interface AuthenticatedToken {
  tenantId: string;
  tokenId: string;
  scope: TokenScope;
  rateLimitPerSecond: number | null;
  eventStreams: boolean;
}

@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, 'scim-bearer') {
  constructor(
    private readonly tokens: TokensService,
    private readonly failures: AuthFailuresService,
  ) {
    super({ passReqToCallback: true });
  }

  /**
   * passport-http-bearer also takes `access_token` from the query string and the body (RFC 6750 §2.2-2.3).
   * Roster accepts the Authorization header only: a token in a URL ends up in proxy logs, and a body field
   * named access_token is SCIM data, not a credential. The strategy sees a view of the request with its
   * headers and route parameters only. (A view made with `Object.create(req)` would turn every request
   * into a prototype, giving it a map of its own and sending V8's property caches for requests to their
   * slow path in every later middleware: about a tenth of the CPU of a cheap request.)
   */
  override authenticate(req: Request, options?: object): void {
    const headerOnly: HeaderOnlyRequest = { headers: req.headers, params: req.params };
    super.authenticate(headerOnly as Request, options);
  }

  async validate(req: HeaderOnlyRequest, token: string): Promise<AuthenticatedToken> {
    const tenantKey = String(req.params.tenant ?? '');
    const result = await this.tokens.authenticate(tenantKey, token);
    if (result.ok)
      return {
        tenantId: result.tenantId,
        tokenId: result.tokenId,
        scope: result.scope,
        rateLimitPerSecond: result.rateLimitPerSecond,
        eventStreams: result.eventStreams,
      };
    if (result.tenantId) await this.failures.count(result.tenantId, result.reason);
    // The detail is shown verbatim to the customer's admin by Okta: say what to do, not which check failed.
    if (result.status === 403)
      throw new ScimError(403, undefined, 'SCIM provisioning is disabled for this tenant; an administrator can re-enable it in Roster');
    throw ScimError.unauthorized(
      'The bearer token is invalid, expired or revoked for this SCIM base URL; issue a new token in Roster and paste it into your identity provider',
    );
  }
}
