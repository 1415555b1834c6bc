import { Controller, Get, Query } from '@nestjs/common';
import type { AuditEventPage } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { auditEventBody } from './audit-event.presenter';
import { auditQueryOf } from './audit-query';
import { AuditQueryService, DEPLOYMENT_AUDIT_SCOPE } from './audit-query.service';

/**
 * What was done to the deployment rather than inside one tenant: tenants deleted, restored and purged. These
 * events outlive the tenants they name (a purge removes a tenant's own trail).
 */
@Controller('admin/v1/audit-events')
@AdminAuthenticated()
export class DeploymentAuditController {
  constructor(private readonly events: AuditQueryService) {}

  @Get()
  async list(@Query() raw: Record<string, unknown>): Promise<AuditEventPage> {
    const page = await this.events.list(DEPLOYMENT_AUDIT_SCOPE, auditQueryOf(raw));
    return { items: page.items.map(auditEventBody), nextCursor: page.nextCursor };
  }
}
