import { Body, Controller, Delete, Get, HttpCode, Inject, Logger, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { Tenant, TenantList, UpdateTenantRequest } from '@roster/contract';
import { AdminAuthenticated, ContractBody, publicOrigin } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { Audit, type AuditContext } from '../audit/audit-context';
import { tenantBody } from './tenant.presenter';
import { TenantPurge } from './tenant-purge';
import { TenantsService, type TenantView } from './tenants.service';

@Controller('admin/v1/tenants')
@AdminAuthenticated()
export class TenantsController {
  private readonly logger = new Logger('TenantsController');

  constructor(
    private readonly tenants: TenantsService,
    private readonly purge: TenantPurge,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Every tenant, deleted ones awaiting their purge included (deletedAt says which). */
  @Get()
  async list(@Req() req: Request): Promise<TenantList> {
    return { items: (await this.tenants.list({ includeDeleted: true })).map((t) => this.present(t, req)) };
  }

  @Get(':tenantId')
  async get(@Param('tenantId') id: string, @Req() req: Request): Promise<Tenant> {
    return this.present(await this.tenants.get(id, { includeDeleted: true }), req);
  }

  /**
   * Deletes the tenant (TenantsService.delete); `purge=now` purges its data at once, in the background, in
   * batches (GET answers 404 when it is done).
   */
  @Delete(':tenantId')
  async delete(@Param('tenantId') id: string, @Query('purge') purge: unknown, @Audit() audit: AuditContext, @Req() req: Request): Promise<Tenant> {
    if (purge !== undefined && purge !== 'now') throw ScimError.invalidValue('purge may only be "now"');
    const deleted = await this.tenants.delete(id, { purgeNow: purge === 'now' }, audit);
    if (purge === 'now')
      void this.purge.purge(deleted.id).catch((error: unknown) => this.logger.error(`purging tenant ${deleted.id} failed: ${String(error)}`));
    return this.present(deleted, req);
  }

  @Post(':tenantId/restore')
  @HttpCode(200)
  async restore(@Param('tenantId') id: string, @Audit() audit: AuditContext, @Req() req: Request): Promise<Tenant> {
    return this.present(await this.tenants.restore(id, audit), req);
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
    return tenantBody(tenant, publicOrigin(this.config.publicUrl, req));
  }
}
