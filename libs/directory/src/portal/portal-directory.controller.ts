import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { DeletedUserPage, PortalGroupDetail, PortalGroupPage, PortalUserDetail, PortalUserPage } from '@roster/contract';
import { PortalAuthenticated } from '@roster/platform';
import { isObject, type JsonObject } from '@roster/scim-core';
import { auditEventBody } from '../audit/audit-event.presenter';
import { AuditQueryService } from '../audit/audit-query.service';
import { GroupsService } from '../groups/groups.service';
import { queryParams } from '../shared/query-params';
import { deletedUserPageBody, DeletedUsersService } from '../users/deleted-users.service';
import { UsersService } from '../users/users.service';
import { groupSearchFilter, userSearchFilter } from './directory-search';
import { PortalTenants } from './portal-tenant';

/**
 * The tenant's directory as its IT admin checks it: learners (search, active or deactivated, paged by
 * cursor), one learner with its attributes, groups and change history, groups with their members, and
 * deleted learners. Read through the SCIM services, exactly as the identity provider's writes left it.
 */
// A person reads "1,000+ learners"; counting a broad search's every match would cost more than its page.
const PORTAL_COUNT_LIMIT = 1000;

@Controller('portal/api/v1')
@PortalAuthenticated()
export class PortalDirectoryController {
  constructor(
    private readonly portal: PortalTenants,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly audit: AuditQueryService,
    private readonly deleted: DeletedUsersService,
  ) {}

  @Get('users')
  async listUsers(@Req() req: Request, @Query() raw: Record<string, unknown>): Promise<PortalUserPage> {
    const tenant = await this.portal.of(req);
    const params = queryParams(raw);
    const filter = userSearchFilter(params.text('search', 100), params.oneOf('status', ['active', 'deactivated'] as const));
    const page = await this.users.list(
      this.portal.readerFor(tenant, req),
      { ...(filter ? { filter } : {}), count: String(params.integer('limit', 25, 1, 100)), cursor: params.text('cursor', 1024) ?? '' },
      PORTAL_COUNT_LIMIT,
    );
    return {
      totalResults: page.total,
      totalIsLowerBound: page.totalCapped,
      nextCursor: page.nextCursor ?? null,
      items: page.resources.map(userSummary),
    };
  }

  @Get('users/:userId')
  async getUser(@Req() req: Request, @Param('userId') userId: string): Promise<PortalUserDetail> {
    const tenant = await this.portal.of(req);
    const { resource } = await this.users.get(this.portal.readerFor(tenant, req), userId);
    const history = await this.audit.list(tenant.id, { resourceId: String(resource.id), limit: 50 });
    return { user: resource as PortalUserDetail['user'], history: history.items.map(auditEventBody) };
  }

  @Get('groups')
  async listGroups(@Req() req: Request, @Query() raw: Record<string, unknown>): Promise<PortalGroupPage> {
    const tenant = await this.portal.of(req);
    const params = queryParams(raw);
    const filter = groupSearchFilter(params.text('search', 100));
    const page = await this.groups.list(this.portal.readerFor(tenant, req), {
      ...(filter ? { filter } : {}),
      excludedAttributes: 'members',
      count: String(params.integer('limit', 25, 1, 100)),
      cursor: params.text('cursor', 1024) ?? '',
    });
    const counts = await this.groups.memberCounts(
      tenant.id,
      page.resources.map((group) => String(group.id)),
    );
    return {
      totalResults: page.total,
      nextCursor: page.nextCursor ?? null,
      items: page.resources.map((group) => ({
        id: String(group.id),
        displayName: String(group.displayName),
        externalId: (group.externalId as string | undefined) ?? null,
        memberCount: counts.get(String(group.id)) ?? 0,
        updatedAt: String((group.meta as JsonObject).lastModified),
      })),
    };
  }

  @Get('groups/:groupId')
  async getGroup(@Req() req: Request, @Param('groupId') groupId: string): Promise<PortalGroupDetail> {
    const tenant = await this.portal.of(req);
    const { resource } = await this.groups.get(this.portal.readerFor(tenant, req), groupId, {});
    return { group: resource as PortalGroupDetail['group'] };
  }

  @Get('deleted-users')
  async deletedUsers(@Req() req: Request, @Query() raw: Record<string, unknown>): Promise<DeletedUserPage> {
    const tenant = await this.portal.of(req);
    const params = queryParams(raw);
    return deletedUserPageBody(await this.deleted.list(tenant.id, params.integer('limit', 50, 1, 500), params.text('cursor')));
  }
}

/** A learner in a list: who, how to reach them, and whether they are active. */
function userSummary(user: JsonObject): PortalUserPage['items'][number] {
  const name = isObject(user.name) ? user.name : {};
  const emails = Array.isArray(user.emails) ? user.emails.filter(isObject) : [];
  const email = emails.find((e) => e.primary === true) ?? emails[0];
  const formatted =
    typeof name.formatted === 'string' ? name.formatted : [name.givenName, name.familyName].filter((part) => typeof part === 'string').join(' ');
  return {
    id: String(user.id),
    userName: String(user.userName),
    displayName: typeof user.displayName === 'string' ? user.displayName : null,
    name: formatted || null,
    email: typeof email?.value === 'string' ? email.value : null,
    active: user.active !== false,
    externalId: typeof user.externalId === 'string' ? user.externalId : null,
    updatedAt: String((user.meta as JsonObject).lastModified),
  };
}
