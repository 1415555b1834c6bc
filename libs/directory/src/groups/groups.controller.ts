import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { GroupListResponse, ScimGroup } from '@roster/contract';
import { Caller, etagOf, ScimAuthenticated, type ScimCaller } from '@roster/platform';
import { GroupResourceType, parseProjection, projectResource, searchRequestToQuery, toListResponse } from '@roster/scim-core';
import { presentResource, setLocation } from '../shared/scim-response';
import { Audit, type AuditContext } from '../audit/audit-context';
import { GroupsService, type GroupResult } from './groups.service';

type Query = Record<string, unknown>;

@Controller('scim/v2/:tenant/Groups')
@ScimAuthenticated()
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  async list(@Caller() caller: ScimCaller, @Query() query: Query): Promise<GroupListResponse> {
    const page = await this.groups.list(caller, query);
    const resources = page.resources.map((r) => projectResource(GroupResourceType, r, page.projection) as ScimGroup);
    return toListResponse(resources, { totalResults: page.total, startIndex: page.startIndex, nextCursor: page.nextCursor });
  }

  /** RFC 7644 §3.4.3: the same query as GET, in a SearchRequest body (filters too long or too private for a URL). */
  @Post('.search')
  @HttpCode(200)
  async search(@Caller() caller: ScimCaller, @Body() body: unknown): Promise<GroupListResponse> {
    return this.list(caller, searchRequestToQuery(body));
  }

  @Post()
  @HttpCode(201)
  async create(
    @Caller() caller: ScimCaller,
    @Body() body: unknown,
    @Query() query: Query,
    @Audit() audit: AuditContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScimGroup> {
    const result = await this.groups.create(caller, body, parseProjection(query), audit);
    setLocation(res, result.resource);
    return present(result, query, res);
  }

  @Get(':id')
  async get(@Caller() caller: ScimCaller, @Param('id') id: string, @Query() query: Query, @Res({ passthrough: true }) res: Response): Promise<ScimGroup> {
    return present(await this.groups.get(caller, id, parseProjection(query)), query, res);
  }

  @Put(':id')
  async replace(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Query() query: Query,
    @Audit() audit: AuditContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScimGroup> {
    return present(await this.groups.replace(caller, id, body, ifMatch, parseProjection(query), audit), query, res);
  }

  // Entra asks for 204 on group PATCH (Okta accepts it); the resource comes back only when the request
  // names attributes or excludedAttributes.
  @Patch(':id')
  async patch(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Query() query: Query,
    @Audit() audit: AuditContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScimGroup | undefined> {
    const projection = parseProjection(query);
    const wantsBody = !!(projection.attributes || projection.excludedAttributes);
    const result = await this.groups.patch(caller, id, body, ifMatch, wantsBody ? projection : undefined, audit);
    if (!('resource' in result)) {
      // No body, but the new version: a client sending If-Match next time needs it.
      res.status(204).setHeader('ETag', etagOf(result.version));
      return undefined;
    }
    return present(result, query, res);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Audit() audit: AuditContext,
  ): Promise<void> {
    await this.groups.delete(caller, id, ifMatch, audit);
  }
}

function present(result: GroupResult, query: Query, res: Response): ScimGroup {
  return presentResource<ScimGroup>(GroupResourceType, result, query, res);
}
