import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ScimUser, UserListResponse } from '@roster/contract';
import { Caller, ScimAuthenticated, type ScimCaller } from '@roster/platform';
import { searchRequestToQuery, UserResourceType, type JsonText } from '@roster/scim-core';
import { Audit, type AuditContext } from '../audit/audit-context';
import { presentResource, setLocation } from '../shared/scim-response';
import { UsersService, type UserResult } from './users.service';

type Query = Record<string, unknown>;

@Controller('scim/v2/:tenant/Users')
@ScimAuthenticated()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@Caller() caller: ScimCaller, @Query() query: Query): Promise<JsonText<UserListResponse>> {
    return this.users.listText(caller, query);
  }

  /** RFC 7644 §3.4.3: the same query as GET, in a SearchRequest body (filters too long or too private for a URL). */
  @Post('.search')
  @HttpCode(200)
  async search(@Caller() caller: ScimCaller, @Body() body: unknown): Promise<JsonText<UserListResponse>> {
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
  ): Promise<ScimUser> {
    const result = await this.users.create(caller, body, audit);
    setLocation(res, result.resource);
    return present(result, query, res);
  }

  @Get(':id')
  async get(@Caller() caller: ScimCaller, @Param('id') id: string, @Query() query: Query, @Res({ passthrough: true }) res: Response): Promise<ScimUser> {
    return present(await this.users.get(caller, id), query, res);
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
  ): Promise<ScimUser> {
    return present(await this.users.replace(caller, id, body, ifMatch, audit), query, res);
  }

  @Patch(':id')
  async patch(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Query() query: Query,
    @Audit() audit: AuditContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ScimUser> {
    return present(await this.users.patch(caller, id, body, ifMatch, audit), query, res);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Caller() caller: ScimCaller,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Audit() audit: AuditContext,
  ): Promise<void> {
    await this.users.delete(caller, id, ifMatch, audit);
  }
}

function present(result: UserResult, query: Query, res: Response): ScimUser {
  return presentResource<ScimUser>(UserResourceType, result, query, res);
}
