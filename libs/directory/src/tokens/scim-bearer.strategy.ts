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

/** What passport-http-bearer's authenticate() reads from `this`, and the outcomes passport would attach. */
interface StrategyRun {
  _verify: unknown;
  _passReqToCallback: unknown;
  _realm: unknown;
  _scope: unknown;
  _challenge: unknown;
  success(token: AuthenticatedToken): void;
  fail(): void;
  error(error: unknown): void;
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
   * Runs this strategy on one request: the authenticated token, or undefined when the Authorization
   * header is not one "Bearer <token>" (the strategy's fail). Errors of validate() reject.
   *
   * passport-http-bearer also takes `access_token` from the query string and the body (RFC 6750 §2.2-2.3).
   * Roster accepts the Authorization header only: a token in a URL ends up in proxy logs, and a body field
   * named access_token is SCIM data, not a credential. So the strategy sees the headers and route
   * parameters only.
   *
   * passport.authenticate() would run the strategy on `Object.create(strategy)`: a new object per request
   * whose prototype is this long-lived instance. V8 handles such objects on its slow path, and the whole
   * server paid for it: 9–10 % of its CPU under Okta's and Entra ID's workloads (docs/benchmarks.md). The
   * strategy's own authenticate() runs instead on a plain object with what it reads (the verify callback,
   * realm and scope) and the three outcomes passport would attach to it.
   */
  verify(req: Request): Promise<AuthenticatedToken | undefined> {
    const view: HeaderOnlyRequest = { headers: req.headers, params: req.params, attempt: (req.scimAttempt ??= {}) };
    const self = this as unknown as StrategyRun;
    return new Promise((resolve, reject) => {
      const run: StrategyRun = {
        _verify: self._verify,
        _passReqToCallback: self._passReqToCallback,
        _realm: self._realm,
        _scope: self._scope,
        _challenge: self._challenge,
        success: resolve,
        fail: () => resolve(undefined),
        error: reject,
      };
      Strategy.prototype.authenticate.call(run as unknown as Strategy<never>, view as unknown as Request);
    });
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
