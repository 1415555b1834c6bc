import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { TokenBuckets } from '@roster/platform';
import { ScimError } from '@roster/scim-core';

// Ten failures in a burst, then one every six seconds, per client address: enough for a person mistyping,
// far too few to guess a 256-bit key or to load the database on someone's behalf.
const BURST = 10;
const PER_SECOND = 1 / 6;

/**
 * Operator sign-in and setup-link launches, per client address: failures (a wrong admin token, a link that
 * is unknown, used or expired) are counted, and past the budget every attempt is refused with 429 before
 * any work. Successful ones cost nothing, so a support desk opening many links is never held back.
 */
@Injectable()
export class PortalThrottle {
  private readonly buckets = new TokenBuckets();

  assertAllowed(req: Request, what: 'sign-in' | 'link'): void {
    const verdict = this.buckets.peek(keyOf(req, what), PER_SECOND, BURST);
    if (!verdict.ok) {
      throw ScimError.tooManyRequests(
        `Too many ${what === 'sign-in' ? 'failed sign-ins' : 'unusable setup links'} from this address; retry after the delay in Retry-After`,
        verdict.retryAfterSeconds,
      );
    }
  }

  recordFailure(req: Request, what: 'sign-in' | 'link'): void {
    this.buckets.take(keyOf(req, what), PER_SECOND, BURST);
  }
}

function keyOf(req: Request, what: string): string {
  return `${what}|${req.ip ?? ''}`;
}
