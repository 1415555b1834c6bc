import { Controller, Get, Param, Query } from '@nestjs/common';
import type { AuditEventPage, AuthFailureList } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { queryParams } from '../shared/query-params';
import { TenantsService } from '../tenants/tenants.service';
import { auditEventBody } from './audit-event.presenter';
import { AuditQueryService, type AuditQuery } from './audit-query.service';
import { AuthFailuresService } from './auth-failures.service';

@Controller('admin/v1/tenants/:tenantId')
@AdminAuthenticated()
export class AuditController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly events: AuditQueryService,
    private readonly failures: AuthFailuresService,
  ) {}

  @Get('audit-events')
  async list(@Param('tenantId') tenantId: string, @Query() raw: Record<string, unknown>): Promise<AuditEventPage> {
    const tenant = await this.tenants.require(tenantId);
    const page = await this.events.list(tenant.id, parseQuery(raw));
    return { items: page.items.map(auditEventBody), nextCursor: page.nextCursor };
  }

  @Get('auth-failures')
  async authFailures(@Param('tenantId') tenantId: string): Promise<AuthFailureList> {
    const tenant = await this.tenants.require(tenantId);
    return { items: await this.failures.list(tenant.id) };
  }
}

function parseQuery(raw: Record<string, unknown>): AuditQuery {
  const params = queryParams(raw);
  return {
    resourceId: params.text('resourceId'),
    action: params.text('action'),
    outcome: params.oneOf('outcome', ['success', 'failure'] as const),
    since: params.date('since'),
    until: params.date('until'),
    limit: params.integer('limit', 50, 1, 500),
    cursor: params.text('cursor'),
  };
}
