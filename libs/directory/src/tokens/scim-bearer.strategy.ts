import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import type { ScimAttempt } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { AuthFailuresService } from '../audit/auth-failures.service';
import type { TokenScope } from './scim-token.entity';
import { TokensService } from './tokens.service';

/** What of the request the bearer strategy may see, and where it notes why it refused (the SCIM request log). */
interface HeaderOnlyRequest {
  headers: Request['headers'];
  params: Request['params'];
  attempt: ScimAttempt;
}

export interface AuthenticatedToken {
  tenantId: string;
  tokenId: string;
  scope: TokenScope;
  rateLimitPerSecond: number | null;
  eventStreams: boolean;
}

// The registered strategy and the one each request runs are built alike: validate() sees the request view.
const BEARER_OPTIONS = { passReqToCallback: true } as const;

@Injectable()
export class ScimBearerStrategy extends PassportStrategy(Strategy, 'scim-bearer') {
  constructor(
    private readonly tokens: TokensService,
    private readonly failures: AuthFailuresService,
  ) {
    super(BEARER_OPTIONS);
  }

  /**
   * Runs this strategy on one request: the authenticated token, or undefined when the Authorization
   * header is not one "Bearer <token>" (the strategy's fail). Errors of validate() reject.
   *
   * passport-http-bearer also takes `access_token` from the query string and the body (RFC 6750 §2.2-2.3).
   * Roster accepts the Authorization header only: a token in a URL ends up in proxy logs, and a body field
   * named access_token is SCIM data, not a credential. So the strategy sees the headers and route
   * parameters only.
   *
   * passport.authenticate() would run this strategy on `Object.create(strategy)`: a new object per request
   * whose prototype is this long-lived instance. Measured three ways (through AuthGuard, through
   * passport.authenticate, and Object.create alone), that cost the server 10–23 % more CPU under Okta's and
   * Entra ID's workloads (docs/benchmarks.md). Each request instead gets a strategy of its own from
   * passport-http-bearer's constructor, with this instance's validate() as the verify callback and the three
   * outcomes passport would attach to it (success, fail, error: passport-strategy's contract).
   */
  verify(req: Request): Promise<AuthenticatedToken | undefined> {
    const view: HeaderOnlyRequest = { headers: req.headers, params: req.params, attempt: (req.scimAttempt ??= {}) };
    return new Promise((resolve, reject) => {
      const run = Object.assign(new Strategy(BEARER_OPTIONS, this.verifyToken), {
        success: resolve,
        fail: () => resolve(undefined),
        error: reject,
      });
      run.authenticate(view as unknown as Request);
    });
  }

  /** passport-http-bearer's verify callback, over validate(). */
  private readonly verifyToken = (req: Request, token: string, done: (error: unknown, user?: AuthenticatedToken) => void): void => {
    this.validate(req as unknown as HeaderOnlyRequest, token).then((user) => done(null, user), done);
  };

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
    req.attempt.tenantId = result.tenantId;
    req.attempt.authFailure = result.reason;
    if (result.tenantId) await this.failures.count(result.tenantId, result.reason);
    // The detail is shown verbatim to the customer's admin by Okta: say what to do, not which check failed.
    if (result.status === 403)
      throw new ScimError(403, undefined, 'SCIM provisioning is disabled for this tenant; an administrator can re-enable it in Roster');
    throw ScimError.unauthorized(
      'The bearer token is invalid, expired or revoked for this SCIM base URL; issue a new token in Roster and paste it into your identity provider',
    );
  }
}
