import { Controller, Get, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ConnectionState, PortalHealth, ScimRequestPage } from '@roster/contract';
import { PortalAuthenticated } from '@roster/platform';
import { tenantHealthBody } from '../reconciliation/tenant-health.controller';
import { TenantHealthService } from '../reconciliation/tenant-health.service';
import { connectionBody, scimRequestEntry, scimRequestQuery } from '../scim-requests/scim-request.presenter';
import { ScimRequestsService } from '../scim-requests/scim-requests.service';
import { TenantsService } from '../tenants/tenants.service';
import { HEALTH_ADVICE } from './health-advice';
import { PortalTenants } from './portal-tenant';

/** What the identity provider sent and how it went: the connection check, every request, the health findings. */
@Controller('portal/api/v1')
@PortalAuthenticated()
export class PortalActivityController {
  constructor(
    private readonly portal: PortalTenants,
    private readonly tenants: TenantsService,
    private readonly requests: ScimRequestsService,
    private readonly health: TenantHealthService,
  ) {}

  @Get('scim-requests')
  async scimRequests(@Req() req: Request, @Query() raw: Record<string, unknown>): Promise<ScimRequestPage> {
    const tenant = await this.portal.of(req);
    const { tenantId: _operatorsChoice, ...query } = raw;
    const page = await this.requests.page(tenant.id, scimRequestQuery(query));
    return { items: page.items.map(scimRequestEntry), nextCursor: page.nextCursor };
  }

  @Get('connection')
  async connection(@Req() req: Request): Promise<ConnectionState> {
    const tenant = await this.portal.of(req);
    return connectionBody(await this.requests.connection(tenant.id));
  }

  @Get('health')
  async tenantHealth(@Req() req: Request): Promise<PortalHealth> {
    const tenant = await this.portal.of(req);
    const health = tenantHealthBody(await this.health.of(await this.tenants.require(tenant.id)));
    return { ...health, findings: health.findings.map((finding) => ({ ...finding, advice: HEALTH_ADVICE[finding.kind] })) };
  }
}
