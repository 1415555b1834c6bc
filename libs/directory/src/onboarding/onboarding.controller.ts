import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { CreatedTenant, CreateTenantRequest } from '@roster/contract';
import { AdminAuthenticated, ContractBody, publicOrigin } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { tenantBody } from '../tenants/tenant.presenter';
import { issuedTokenBody } from '../tokens/token.presenter';
import { TenantOnboarding } from './tenant-onboarding';

@Controller('admin/v1/tenants')
@AdminAuthenticated()
export class OnboardingController {
  constructor(
    private readonly onboarding: TenantOnboarding,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body(new ContractBody('CreateTenantRequest')) body: CreateTenantRequest,
    @Audit() audit: AuditContext,
    @Req() req: Request,
  ): Promise<CreatedTenant> {
    const { tenant, token } = await this.onboarding.create(body, audit);
    return { ...tenantBody(tenant, publicOrigin(this.config.publicUrl, req)), token: issuedTokenBody(token) };
  }
}
