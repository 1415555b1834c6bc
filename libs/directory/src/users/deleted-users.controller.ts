import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { DeletedUserPage, ScimUser } from '@roster/contract';
import { AdminAuthenticated, publicOrigin } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { TenantsService } from '../tenants/tenants.service';
import { queryParams } from '../shared/query-params';
import { deletedUserPageBody, DeletedUsersService } from './deleted-users.service';

@Controller('admin/v1/tenants/:tenantId/deleted-users')
@AdminAuthenticated()
export class DeletedUsersController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly deleted: DeletedUsersService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Get()
  async list(@Param('tenantId') tenantId: string, @Query() query: Record<string, unknown>): Promise<DeletedUserPage> {
    const tenant = await this.tenants.require(tenantId);
    const params = queryParams(query);
    return deletedUserPageBody(await this.deleted.list(tenant.id, params.integer('limit', 50, 1, 500), params.text('cursor')));
  }

  /** 200 with the restored user as SCIM returns it; memberships are not restored. */
  @Post(':userId/restore')
  @HttpCode(200)
  async restore(@Param('tenantId') tenantId: string, @Param('userId') userId: string, @Audit() audit: AuditContext, @Req() req: Request): Promise<ScimUser> {
    const tenant = await this.tenants.require(tenantId);
    const baseUrl = `${publicOrigin(this.config.publicUrl, req)}/scim/v2/${tenant.slug}`;
    return (await this.deleted.restore(tenant.id, userId, baseUrl, audit)) as unknown as ScimUser;
  }
}
