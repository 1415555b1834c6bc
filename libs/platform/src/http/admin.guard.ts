import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { ScimError } from '@roster/scim-core';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Admin API: `Authorization: Bearer $ROSTER_ADMIN_TOKEN`. Unset means closed, never open. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(ROSTER_CONFIG) config: RosterConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new ScimError(503, undefined, 'The admin API is disabled: set ROSTER_ADMIN_TOKEN (at least 16 characters) and restart Roster');
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw ScimError.unauthorized('Missing or invalid admin token: send Authorization: Bearer $ROSTER_ADMIN_TOKEN');
    }
    return true;
  }
}
