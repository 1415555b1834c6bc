import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { CreateSetupLinkRequest, SetupLink } from '@roster/contract';
import { AdminAuthenticated, ContractBody, publicOrigin } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { SetupLinks } from './setup-links.service';

@Controller('admin/v1/tenants/:tenantId/setup-links')
@AdminAuthenticated()
export class SetupLinksController {
  constructor(
    private readonly links: SetupLinks,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Param('tenantId') tenantId: string,
    @Body(new ContractBody('CreateSetupLinkRequest')) body: CreateSetupLinkRequest,
    @Audit() audit: AuditContext,
    @Req() req: Request,
  ): Promise<SetupLink> {
    const link = await this.links.create(tenantId, body.expiresInMinutes, publicOrigin(this.config.publicUrl, req), audit);
    return { url: link.url, expiresAt: link.expiresAt.toISOString() };
  }
}
