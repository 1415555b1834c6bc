import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { CreatedEventStream, CreateEventStreamRequest, EventStream, EventStreamList, UpdateEventStreamRequest } from '@roster/contract';
import { AdminAuthenticated, ContractBody, publicOrigin } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { EventStreamsService, type StreamView } from './event-streams.service';

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

@Controller('admin/v1/tenants/:tenantId/event-streams')
@AdminAuthenticated()
export class EventStreamsController {
  constructor(
    private readonly streams: EventStreamsService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Param('tenantId') tenantId: string,
    @Body(new ContractBody('CreateEventStreamRequest')) body: CreateEventStreamRequest,
    @Audit() audit: AuditContext,
    @Req() req: Request,
  ): Promise<CreatedEventStream> {
    const created = await this.streams.create(tenantId, body, publicOrigin(this.config.publicUrl, req), audit);
    return { ...toBody(created), ...(created.pollToken ? { pollToken: created.pollToken } : {}) };
  }

  @Get()
  async list(@Param('tenantId') tenantId: string, @Req() req: Request): Promise<EventStreamList> {
    return { items: (await this.streams.list(tenantId, publicOrigin(this.config.publicUrl, req))).map(toBody) };
  }

  @Get(':streamId')
  async get(@Param('tenantId') tenantId: string, @Param('streamId') streamId: string, @Req() req: Request): Promise<EventStream> {
    return toBody(await this.streams.get(tenantId, streamId, publicOrigin(this.config.publicUrl, req)));
  }

  @Patch(':streamId')
  async update(
    @Param('tenantId') tenantId: string,
    @Param('streamId') streamId: string,
    @Body(new ContractBody('UpdateEventStreamRequest')) body: UpdateEventStreamRequest,
    @Audit() audit: AuditContext,
    @Req() req: Request,
  ): Promise<EventStream> {
    return toBody(await this.streams.update(tenantId, streamId, body, publicOrigin(this.config.publicUrl, req), audit));
  }

  @Delete(':streamId')
  @HttpCode(204)
  async delete(@Param('tenantId') tenantId: string, @Param('streamId') streamId: string, @Audit() audit: AuditContext): Promise<void> {
    await this.streams.delete(tenantId, streamId, audit);
  }
}

function toBody({ stream, pollUrl, health }: StreamView): EventStream {
  return {
    id: stream.id,
    tenantId: stream.tenantId,
    delivery: stream.delivery,
    format: stream.format,
    events: stream.events,
    audience: stream.audience,
    status: stream.status,
    ...(stream.delivery === 'push' ? { endpointUrl: stream.endpointUrl ?? '', hasAuthorizationHeader: !!stream.authorizationHeader } : {}),
    ...(pollUrl ? { pollUrl, pollTokenPrefix: stream.pollTokenPrefix ?? '' } : {}),
    createdAt: stream.createdAt.toISOString(),
    updatedAt: stream.updatedAt.toISOString(),
    health: {
      ...health,
      oldestUndeliveredAt: iso(health.oldestUndeliveredAt),
      lastSuccessAt: iso(health.lastSuccessAt),
      lastErrorAt: iso(health.lastErrorAt),
      nextAttemptAt: iso(health.nextAttemptAt),
    },
  };
}
