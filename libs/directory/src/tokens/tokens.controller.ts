import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { IssuedToken, IssueTokenRequest, TokenList } from '@roster/contract';
import { AdminAuthenticated, ContractBody } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { TokensService } from './tokens.service';

const iso = (date: Date | null) => date?.toISOString() ?? null;

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
    const issued = await this.tokens.issue(tenantId, body, audit);
    return {
      id: issued.id,
      token: issued.token,
      prefix: issued.prefix,
      scope: issued.scope,
      description: issued.description,
      createdAt: issued.createdAt.toISOString(),
      expiresAt: iso(issued.expiresAt),
    };
  }

  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<TokenList> {
    const tokens = await this.tokens.list(tenantId);
    return {
      items: tokens.map((t) => ({
        id: t.id,
        prefix: t.prefix,
        scope: t.scope,
        description: t.description,
        createdAt: t.createdAt.toISOString(),
        lastUsedAt: iso(t.lastUsedAt),
        expiresAt: iso(t.expiresAt),
        revokedAt: iso(t.revokedAt),
      })),
    };
  }

  @Delete(':tokenId')
  @HttpCode(204)
  async revoke(@Param('tenantId') tenantId: string, @Param('tokenId') tokenId: string, @Audit() audit: AuditContext): Promise<void> {
    await this.tokens.revoke(tenantId, tokenId, audit);
  }
}
