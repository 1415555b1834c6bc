import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { IssuedToken, PortalIssueTokenRequest, TokenList } from '@roster/contract';
import { ContractBody, PortalAuthenticated } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { Audit, type AuditContext } from '../audit/audit-context';
import { issuedTokenBody, tokenListBody } from '../tokens/token.presenter';
import { TokensService } from '../tokens/tokens.service';
import { PortalTenants } from './portal-tenant';

/**
 * The tenant's provisioning tokens, as its IT admin manages them: issue (shown once; the earlier ones end now
 * or after the chosen overlap), list, revoke (at once). The host application's read-only tokens are not
 * theirs to see or end.
 */
@Controller('portal/api/v1/tokens')
@PortalAuthenticated()
export class PortalTokensController {
  constructor(
    private readonly portal: PortalTenants,
    private readonly tokens: TokensService,
  ) {}

  @Get()
  async list(@Req() req: Request): Promise<TokenList> {
    const tenant = await this.portal.of(req);
    return tokenListBody((await this.tokens.list(tenant.id)).filter((token) => token.scope === 'provision'));
  }

  @Post()
  @HttpCode(201)
  async issue(
    @Req() req: Request,
    @Body(new ContractBody('PortalIssueTokenRequest')) body: PortalIssueTokenRequest,
    @Audit() audit: AuditContext,
  ): Promise<IssuedToken> {
    const tenant = await this.portal.of(req);
    return issuedTokenBody(await this.tokens.issue(tenant.id, { ...body, scope: 'provision' }, audit));
  }

  @Delete(':tokenId')
  @HttpCode(204)
  async revoke(@Req() req: Request, @Param('tokenId') tokenId: string, @Audit() audit: AuditContext): Promise<void> {
    const tenant = await this.portal.of(req);
    const token = (await this.tokens.list(tenant.id)).find((t) => t.id === tokenId.toLowerCase() && t.scope === 'provision');
    if (!token) throw ScimError.notFound(`Token ${tokenId} not found`);
    await this.tokens.revoke(tenant.id, token.id, audit);
  }
}
