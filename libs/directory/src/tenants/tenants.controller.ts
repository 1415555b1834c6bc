import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { CreateTenantRequest, Tenant, TenantList, UpdateTenantRequest } from '@roster/contract';
import { AdminAuthenticated, ContractBody, publicOrigin } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { TenantsService, type TenantView } from './tenants.service';

@Controller('admin/v1/tenants')
@AdminAuthenticated()
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body(new ContractBody('CreateTenantRequest')) body: CreateTenantRequest, @Audit() audit: AuditContext, @Req() req: Request): Promise<Tenant> {
    return this.present(await this.tenants.create(body, audit), req);
  }

  @Get()
  async list(@Req() req: Request): Promise<TenantList> {
    return { items: (await this.tenants.list()).map((t) => this.present(t, req)) };
  }

  @Get(':tenantId')
  async get(@Param('tenantId') id: string, @Req() req: Request): Promise<Tenant> {
    return this.present(await this.tenants.get(id), req);
  }

  @Patch(':tenantId')
  async update(
    @Param('tenantId') id: string,
    @Body(new ContractBody('UpdateTenantRequest')) body: UpdateTenantRequest,
    @Audit() audit: AuditContext,
    @Req() req: Request,
  ): Promise<Tenant> {
    return this.present(await this.tenants.update(id, body, audit), req);
  }

  private present(tenant: TenantView, req: Request): Tenant {
    return {
      id: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      scimEnabled: tenant.scimEnabled,
      rateLimitPerSecond: tenant.rateLimitPerSecond,
      scimBaseUrl: scimBaseUrl(publicOrigin(this.config.publicUrl, req), tenant.slug),
      createdAt: tenant.createdAt.toISOString(),
      updatedAt: tenant.updatedAt.toISOString(),
    };
  }
}

export function scimBaseUrl(origin: string, slug: string): string {
  return `${origin}/scim/v2/${slug}`;
}
