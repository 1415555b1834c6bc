import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { IssuedToken, IssueTokenRequest, TokenList } from '@roster/contract';
import { AdminAuthenticated, ContractBody } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { issuedTokenBody, tokenListBody } from './token.presenter';
import { TokensService } from './tokens.service';

@Controller('admin/v1/tenants/:tenantId/tokens')
@AdminAuthenticated()
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @HttpCode(201)
  async issue(
    @Param('tenantId') tenantId: string,
    @Body(new ContractBody('IssueTokenRequest')) body: IssueTokenRequest,
    @Audit() audit: AuditContext,
  ): Promise<IssuedToken> {
    return issuedTokenBody(await this.tokens.issue(tenantId, body, audit));
  }

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<TokenList> {
    return tokenListBody(await this.tokens.list(tenantId));
  }

  @Delete(':tokenId')
  @HttpCode(204)
  async revoke(@Param('tenantId') tenantId: string, @Param('tokenId') tokenId: string, @Audit() audit: AuditContext): Promise<void> {
    await this.tokens.revoke(tenantId, tokenId, audit);
  }
}
