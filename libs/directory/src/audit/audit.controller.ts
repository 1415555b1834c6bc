import { Controller, Get, Param, Query } from '@nestjs/common';
import type { AuditEvent, AuditEventPage, AuthFailureList } from '@roster/contract';
import { AdminAuthenticated } from '@roster/platform';
import { parseDateTime, ScimError } from '@roster/scim-core';
import { TenantsService } from '../tenants/tenants.service';
import type { AuditEventEntity } from './audit-event.entity';
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
    return { items: page.items.map(present), nextCursor: page.nextCursor };
  }

  @Get('auth-failures')
  async authFailures(@Param('tenantId') tenantId: string): Promise<AuthFailureList> {
    const tenant = await this.tenants.require(tenantId);
    return { items: await this.failures.list(tenant.id) };
  }
}

function parseQuery(raw: Record<string, unknown>): AuditQuery {
  const text = (name: string) => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw ScimError.invalidValue(`${name} must be given once`);
    return value;
  };
  const date = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = parseDateTime(value);
    if (!parsed) throw ScimError.invalidValue(`${name} must be an ISO-8601 date-time between the years 0001 and 9999`);
    return parsed;
  };
  const outcome = text('outcome');
  if (outcome !== undefined && outcome !== 'success' && outcome !== 'failure') throw ScimError.invalidValue('outcome must be success or failure');
  const limitText = text('limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw ScimError.invalidValue('limit must be an integer from 1 to 500');
  return { resourceId: text('resourceId'), action: text('action'), outcome, since: date('since'), until: date('until'), limit, cursor: text('cursor') };
}

function present(event: AuditEventEntity): AuditEvent {
  return {
    id: event.id,
    tenantId: event.tenantId,
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actorType === 'scim-token' ? { type: 'scim-token', tokenId: event.actorTokenId ?? undefined } : { type: 'admin' },
    action: event.action,
    resource: {
      type: event.resourceType as AuditEvent['resource']['type'],
      id: event.resourceId ?? null,
      name: event.resourceName ?? null,
      externalId: event.resourceExternalId ?? null,
    },
    changes: event.changes ?? [],
    outcome: event.outcome,
    httpStatus: event.httpStatus,
    scimType: event.scimType ?? null,
    detail: event.detail ?? null,
    requestId: event.requestId ?? null,
    userAgent: event.userAgent ?? null,
  };
}
