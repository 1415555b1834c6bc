import { Controller, Get, Param } from '@nestjs/common';
import type { TenantHealth as TenantHealthBody } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { TenantsService } from '../tenants/tenants.service';
import { TenantHealthService, type TenantHealth } from './tenant-health.service';

@Controller('admin/v1/tenants/:tenantId/health')
@AdminAuthenticated()
export class TenantHealthController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly health: TenantHealthService,
  ) {}

  @Get()
  async get(@Param('tenantId') tenantId: string): Promise<TenantHealthBody> {
    return tenantHealthBody(await this.health.of(await this.tenants.require(tenantId)));
  }
}

export function tenantHealthBody(health: TenantHealth): TenantHealthBody {
  return {
    ...health,
    generatedAt: health.generatedAt.toISOString(),
    lastIdpRequestAt: health.lastIdpRequestAt?.toISOString() ?? null,
    tokens: { ...health.tokens, nextExpiryAt: health.tokens.nextExpiryAt?.toISOString() ?? null },
  };
}
