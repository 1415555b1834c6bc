import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { TenantsService, type TenantView } from '../tenants/tenants.service';
import { TokensService, type TokenView } from '../tokens/tokens.service';

export interface OnboardedTenant {
  tenant: TenantView;
  token: TokenView & { token: string };
}

/**
 * A new customer: the tenant and its first provisioning token, in one transaction, so that the admin API and
 * the CLI hand over the same two things (the SCIM base URL and the token) and a failure leaves neither.
 */
@Injectable()
export class TenantOnboarding {
  constructor(
    private readonly em: EntityManager,
    private readonly tenants: TenantsService,
    private readonly tokens: TokensService,
  ) {}

  async create(input: { name: string; slug?: string }, context: AuditContext): Promise<OnboardedTenant> {
    const created = await this.em.transactional(async () => {
      const tenant = await this.tenants.create(input, context);
      const token = await this.tokens.issue(tenant.id, { description: 'issued with the tenant' }, context);
      return { tenant, token };
    });
    return created;
  }
}
