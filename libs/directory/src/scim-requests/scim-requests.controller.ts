import { Controller, Get, Param, Query } from '@nestjs/common';
import type { ScimRequestPage } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { TenantsService } from '../tenants/tenants.service';
import { scimRequestEntry, scimRequestQuery } from './scim-request.presenter';
import { ScimRequestsService } from './scim-requests.service';

@Controller('admin/v1/tenants/:tenantId/scim-requests')
@AdminAuthenticated()
export class ScimRequestsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly requests: ScimRequestsService,
  ) {}

  @Get()
  async list(@Param('tenantId') tenantId: string, @Query() raw: Record<string, unknown>): Promise<ScimRequestPage> {
    const tenant = await this.tenants.require(tenantId);
    const page = await this.requests.page(tenant.id, scimRequestQuery(raw));
    return { items: page.items.map(scimRequestEntry), nextCursor: page.nextCursor };
  }
}
