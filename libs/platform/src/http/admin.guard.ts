import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { ScimError } from '@roster/scim-core';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The operator's credential, ROSTER_ADMIN_TOKEN: unset means the admin API is closed, never open. */
@Injectable()
export class AdminToken {
  private readonly expected?: Buffer;

  constructor(@Inject(ROSTER_CONFIG) config: RosterConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  /** 503 when no admin token is configured: nothing can be the operator. */
  assertConfigured(): void {
    if (!this.expected) {
      throw new ScimError(503, undefined, 'The admin API is disabled: set ROSTER_ADMIN_TOKEN (at least 16 characters) and restart Roster');
    }
  }

  /** Whether `presented` is the admin token. Comparing fixed-length digests keeps it constant-time whatever the input length. */
  matches(presented: string): boolean {
    return !!this.expected && timingSafeEqual(digest(presented), this.expected);
  }

  /** The admin token of an `Authorization: Bearer …` header, or undefined when the header carries none. */
  fromHeader(header: string | undefined): string | undefined {
    return /^Bearer\s+(.+)$/i.exec((header ?? '').trim())?.[1];
  }
}
