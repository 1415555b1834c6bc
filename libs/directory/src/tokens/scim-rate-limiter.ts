import { Inject, Injectable } from '@nestjs/common';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { BoundedMap, TokenBuckets } from '@roster/platform';
import { ScimError } from '@roster/scim-core';

// A client may get its token wrong 10 times in a row, then once every 6 seconds: enough for an admin
// fixing an IdP's settings, far too few to load the database on behalf of a misconfigured connector.
const FAILURE_BURST = 10;
const FAILURES_PER_SECOND = 1 / 6;
const RECENTLY_VALID_MS = 15 * 60_000;
const MAX_RECENT_TOKENS = 10_000;

/**
 * Fair use of the SCIM surface, per process: each tenant has a token bucket (its own rate or
 * ROSTER_TENANT_RATE_LIMIT, bursts up to twice that), and each client address and tenant key has a
 * budget of failed authentications that is checked before any database work.
 */
@Injectable()
export class ScimRateLimiter {
  private readonly tenants = new TokenBuckets();
  private readonly failures = new TokenBuckets();
  private readonly recentlyValid = new BoundedMap<string, number>(MAX_RECENT_TOKENS);

  constructor(@Inject(ROSTER_CONFIG) private readonly config: RosterConfig) {}

  /**
   * Before authenticating: refuses a client that has failed too often lately, without touching the
   * database — unless it presents a token that authenticated recently. Behind a proxy that is not trusted
   * for client addresses every client shares one address, and a stranger's wrong guesses must not lock
   * out the tenant's own identity provider.
   */
  assertMayAuthenticate(clientKey: string, presentedTokenHash: string | undefined): void {
    if (presentedTokenHash && (this.recentlyValid.get(presentedTokenHash) ?? 0) > Date.now()) return;
    const verdict = this.failures.peek(clientKey, FAILURES_PER_SECOND, FAILURE_BURST);
    if (!verdict.ok) {
      throw ScimError.tooManyRequests(
        'Too many failed authentications from this client for this SCIM base URL; check the token configured in the identity provider',
        verdict.retryAfterSeconds,
      );
    }
  }

  recordFailure(clientKey: string): void {
    this.failures.take(clientKey, FAILURES_PER_SECOND, FAILURE_BURST);
  }

  /** Only hashes are kept (as in the database), for RECENTLY_VALID_MS, in a bounded map. */
  recordSuccess(tokenHash: string): void {
    this.recentlyValid.set(tokenHash, Date.now() + RECENTLY_VALID_MS);
  }

  /** The rate a tenant gets: its own, or the deployment's default. */
  rateOf(tenantRate: number | null | undefined): number {
    return tenantRate ?? this.config.tenantRateLimit;
  }

  /**
   * The most operations one Bulk request of a tenant may carry: each operation is a request and takes its
   * token from the tenant's bucket, so never more than the bucket holds (twice the rate), nor more than
   * Roster's own ceiling. ServiceProviderConfig advertises it per tenant.
   */
  bulkOperationsFor(ratePerSecond: number, ceiling: number): number {
    return Math.min(ceiling, burstOf(ratePerSecond));
  }

  /**
   * The rest of a Bulk request's tokens (its first came with the request itself), all before any operation
   * runs: a Bulk the bucket cannot pay for now is answered 429 with the wait, and runs nothing.
   */
  assertBulkWithinRate(tenantId: string, ratePerSecond: number, operations: number): void {
    const verdict = this.tenants.takeMany(tenantId, operations - 1, ratePerSecond, burstOf(ratePerSecond));
    if (!verdict.ok) {
      throw ScimError.tooManyRequests(
        `Each Bulk operation counts as a request: this tenant is limited to ${ratePerSecond} SCIM requests per second and has not ${operations} to spare now; retry after the delay in Retry-After`,
        verdict.retryAfterSeconds ?? 1,
      );
    }
  }

  /** After authenticating: one request from the tenant's bucket. */
  assertWithinTenantRate(tenantId: string, tenantRate: number | null | undefined): void {
    const perSecond = this.rateOf(tenantRate);
    const verdict = this.tenants.take(tenantId, perSecond, burstOf(perSecond));
    if (!verdict.ok) {
      throw ScimError.tooManyRequests(
        `This tenant is limited to ${perSecond} SCIM requests per second; retry after the delay in Retry-After`,
        verdict.retryAfterSeconds,
      );
    }
  }
}

/** A tenant may burst to twice its rate. */
function burstOf(ratePerSecond: number): number {
  return ratePerSecond * 2;
}
