import { Controller, Get, Param, Query } from '@nestjs/common';
import type { AuditEventPage, AuthFailureList } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { auditEventBody } from '../audit/audit-event.presenter';
import { auditQueryOf } from '../audit/audit-query';
import { AuditQueryService } from '../audit/audit-query.service';
import { AuthFailuresService } from '../audit/auth-failures.service';
import { TenantsService } from './tenants.service';

/** A tenant's audit trail and its rejected authentications, for the operator (the admin API). */
@Controller('admin/v1/tenants/:tenantId')
@AdminAuthenticated()
export class TenantAuditController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly events: AuditQueryService,
    private readonly failures: AuthFailuresService,
  ) {}

  @Get('audit-events')
  async list(@Param('tenantId') tenantId: string, @Query() raw: Record<string, unknown>): Promise<AuditEventPage> {
    const tenant = await this.tenants.require(tenantId);
    const page = await this.events.list(tenant.id, auditQueryOf(raw));
    return { items: page.items.map(auditEventBody), nextCursor: page.nextCursor };
  }

  @Get('auth-failures')
  async authFailures(@Param('tenantId') tenantId: string): Promise<AuthFailureList> {
    const tenant = await this.tenants.require(tenantId);
    return { items: await this.failures.list(tenant.id) };
  }
}
