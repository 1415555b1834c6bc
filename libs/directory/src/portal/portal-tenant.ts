import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { publicOrigin, type ScimCaller } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { isUuid } from '../shared/ids';
import type { ActiveSession } from '../sessions/portal-sessions.service';
import { scimBaseUrl } from '../tenants/tenant.presenter';
import { TenantsService, type TenantView } from '../tenants/tenants.service';
import '../sessions/portal-session.request';

/**
 * Which tenant a portal request is about: a customer's session is about its own tenant and no other (another
 * tenant's id is a 404, as if it did not exist); the operator names one with `tenantId`.
 */
@Injectable()
export class PortalTenants {
  constructor(
    private readonly tenants: TenantsService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async of(req: Request): Promise<TenantView> {
    const session = req.portalSession as ActiveSession;
    const asked = req.query.tenantId;
    if (asked !== undefined && (typeof asked !== 'string' || !isUuid(asked))) throw ScimError.invalidValue('tenantId must be a tenant id');
    if (session.kind === 'tenant') {
      if (asked !== undefined && asked.toLowerCase() !== session.tenantId) throw ScimError.notFound(`Tenant ${asked} not found`);
      return this.tenants.get(session.tenantId!);
    }
    if (asked === undefined) throw ScimError.invalidValue('tenantId is required for the operator: which tenant?');
    return this.tenants.get(asked);
  }

  /**
   * The portal reads a tenant's directory through the SCIM services, as the host application's read-only
   * token would: the same queries, limits and representations.
   */
  readerFor(tenant: TenantView, req: Request): ScimCaller {
    return {
      tenantId: tenant.id,
      tokenId: req.portalSession!.id,
      scope: 'read',
      eventStreams: false,
      baseUrl: scimBaseUrl(publicOrigin(this.config.publicUrl, req), tenant.slug),
      ratePerSecond: tenant.rateLimitPerSecond ?? this.config.tenantRateLimit,
    };
  }
}
