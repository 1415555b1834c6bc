import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ScimError } from '@roster/scim-core';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
import { newId } from '../shared/ids';
import { TenantsService } from '../tenants/tenants.service';
import { hashToken } from '../tokens/token-secret';
import { SetupLinksRepository } from './setup-links.repository';

export const SETUP_LINK_PATH = '/portal/link';
export const DEFAULT_LINK_MINUTES = 60;
export const MAX_LINK_MINUTES = 7 * 24 * 60;

/**
 * Setup links: the host application asks for one and hands it to the customer's IT admin, who opens it and
 * lands in the portal signed in to that tenant only. A link works once and expires; only a hash of its secret
 * is stored.
 */
@Injectable()
export class SetupLinks {
  constructor(
    private readonly em: EntityManager,
    private readonly links: SetupLinksRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
  ) {}

  async create(
    tenantId: string,
    minutes: number | undefined,
    origin: string,
    context: AuditContext,
    now = new Date(),
  ): Promise<{ url: string; expiresAt: Date }> {
    const tenant = await this.tenants.require(tenantId);
    const lifetime = minutes ?? DEFAULT_LINK_MINUTES;
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_LINK_MINUTES) {
      throw ScimError.invalidValue(`expiresInMinutes must be a whole number of minutes from 1 to ${MAX_LINK_MINUTES}`);
    }
    const secret = randomBytes(32).toString('base64url');
    const id = newId();
    const expiresAt = new Date(now.getTime() + lifetime * 60_000);
    await this.em.transactional(async (em) => {
      await this.links.insert(em, { id, tenantId: tenant.id, secretHash: hashToken(secret), createdAt: now, expiresAt });
      await this.audit.record(em, tenant.id, context, {
        action: 'setup-link.created',
        resource: { type: 'SetupLink', id, name: null },
        changes: [{ path: 'expiresAt', before: null, after: expiresAt.toISOString() }],
        httpStatus: 201,
      });
    });
    return { url: `${origin}${SETUP_LINK_PATH}?key=${secret}`, expiresAt };
  }

  /** Deletes links that expired more than a day ago, used or not (the nightly job). */
  async prune(now = new Date()): Promise<number> {
    return this.links.deleteExpiredBefore(this.em.fork(), new Date(now.getTime() - 86_400_000));
  }

  /** Uses a link up, if it is unused and unexpired: the tenant it opens; undefined otherwise. */
  async consume(secret: string, now = new Date()): Promise<string | undefined> {
    if (!/^[\w-]{43}$/.test(secret)) return undefined;
    return this.links.useUp(this.em.fork(), hashToken(secret), now);
  }
}
