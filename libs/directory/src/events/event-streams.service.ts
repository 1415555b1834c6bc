import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { EVENT_FORMATS, ScimError, subscribedEvents, textProblem, type EventFormat } from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { isUuid } from '../shared/ids';
import { TenantsService } from '../tenants/tenants.service';
import { generateToken } from '../tokens/token-secret';
import { AUTH_CACHE_MS, TokensService } from '../tokens/tokens.service';
import { assertPushEndpoint } from './endpoint-policy';
import { EventStreamEntity, type StreamDelivery, type StreamStatus } from './event-stream.entity';
import { EventStreamsRepository } from './event-streams.repository';
import { ProvisioningEventsRepository } from './provisioning-events.repository';
import { PushDispatcher } from './push-dispatcher';

export interface CreateStreamInput {
  delivery: StreamDelivery;
  format?: EventFormat;
  events?: string[];
  audience?: string;
  endpointUrl?: string;
  authorizationHeader?: string;
}

export interface UpdateStreamInput {
  status?: StreamStatus;
  events?: string[];
  endpointUrl?: string;
  authorizationHeader?: string | null;
}

export interface StreamHealth {
  backlog: number;
  oldestUndeliveredAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  lastError: string | null;
  consecutiveFailures: number;
  nextAttemptAt: Date | null;
  deliveredCount: number;
  failedCount: number;
}

export interface StreamView {
  stream: EventStreamEntity;
  pollUrl: string | null;
  health: StreamHealth;
}

const MAX_STREAMS_PER_TENANT = 20;
const MAX_AUTHORIZATION_LENGTH = 4096;
const MAX_AUDIENCE_LENGTH = 2048;

/** The admin side of event streams: create, inspect (with delivery health), change, delete; all audited. */
@Injectable()
export class EventStreamsService {
  constructor(
    private readonly em: EntityManager,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly dispatcher: PushDispatcher,
    private readonly tokens: TokensService,
    private readonly streams: EventStreamsRepository,
    private readonly events: ProvisioningEventsRepository,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** A new stream receives the events committed after it; a poll stream's token is returned this once. */
  async create(tenantId: string, input: CreateStreamInput, origin: string, context: AuditContext): Promise<StreamView & { pollToken?: string }> {
    const tenant = await this.tenants.require(tenantId);
    const format = input.format ?? 'full';
    if (!EVENT_FORMATS.includes(format)) throw ScimError.invalidValue('format must be "full" or "notice"');
    const events = subscribedEvents(format, input.events);
    const stream = Object.assign(new EventStreamEntity(), { tenantId: tenant.id, delivery: input.delivery, format, events, deliveredCount: 0, failedCount: 0 });
    let pollToken: string | undefined;
    if (input.delivery === 'push') {
      stream.endpointUrl = await assertPushEndpoint(input.endpointUrl, this.config.events.allowInsecureEndpoints);
      stream.authorizationHeader = authorizationHeader(input.authorizationHeader);
    } else if (input.delivery === 'poll') {
      if (input.endpointUrl !== undefined || input.authorizationHeader !== undefined)
        throw ScimError.invalidValue('endpointUrl and authorizationHeader belong to push streams');
      const secret = generateToken();
      pollToken = secret.token;
      stream.pollTokenHash = secret.hash;
      stream.pollTokenPrefix = secret.prefix;
    } else {
      throw ScimError.invalidValue('delivery must be "push" or "poll"');
    }
    stream.audience = audience(input.audience) ?? stream.endpointUrl ?? pollUrlOf(origin, stream.id);
    await this.em.fork().transactional(async (em) => {
      if ((await this.streams.countOf(em, tenant.id)) >= MAX_STREAMS_PER_TENANT)
        throw ScimError.invalidValue(`A tenant has at most ${MAX_STREAMS_PER_TENANT} event streams`);
      stream.position = await this.events.countStreamIn(em, tenant.id);
      em.persist(stream);
      await em.flush();
      await this.audit.record(em, tenant.id, context, {
        action: 'event_stream.created',
        resource: identityOf(stream),
        changes: describe(stream),
        httpStatus: 201,
      });
    });
    // Every process remembers "this tenant has no streams" for up to AUTH_CACHE_MS, and its writes skip the
    // outbox meanwhile. This process forgets at once; the others' memories have expired when this answers,
    // so every write that starts after the answer records its events.
    this.tokens.forgetTenant(tenant.id);
    await new Promise((resolve) => setTimeout(resolve, AUTH_CACHE_MS));
    return { ...(await this.view(stream, origin)), pollToken };
  }

  async list(tenantId: string, origin: string): Promise<StreamView[]> {
    const tenant = await this.tenants.require(tenantId);
    const streams = await this.em.fork().find(EventStreamEntity, { tenantId: tenant.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return Promise.all(streams.map((stream) => this.view(stream, origin)));
  }

  async get(tenantId: string, streamId: string, origin: string): Promise<StreamView> {
    const tenant = await this.tenants.require(tenantId);
    return this.view(await this.require(this.em.fork(), tenant.id, streamId), origin);
  }

  async update(tenantId: string, streamId: string, input: UpdateStreamInput, origin: string, context: AuditContext): Promise<StreamView> {
    const tenant = await this.tenants.require(tenantId);
    // Checked before the transaction: resolving the endpoint's host must not hold the database's write lock.
    const endpointUrl = input.endpointUrl === undefined ? undefined : await assertPushEndpoint(input.endpointUrl, this.config.events.allowInsecureEndpoints);
    const header = input.authorizationHeader === undefined ? undefined : authorizationHeader(input.authorizationHeader ?? undefined);
    const stream = await this.em.fork().transactional(async (em) => {
      const stream = await this.require(em, tenant.id, streamId);
      const before = describe(stream);
      if (input.status !== undefined) {
        if (input.status !== 'active' && input.status !== 'paused') throw ScimError.invalidValue('status must be "active" or "paused"');
        stream.status = input.status;
      }
      if (input.events !== undefined) stream.events = subscribedEvents(stream.format, input.events);
      if (input.endpointUrl !== undefined || input.authorizationHeader !== undefined) {
        if (stream.delivery !== 'push') throw ScimError.invalidValue('endpointUrl and authorizationHeader belong to push streams');
        if (endpointUrl !== undefined) stream.endpointUrl = endpointUrl;
        if (header !== undefined) stream.authorizationHeader = header;
      }
      // Any change is a reason to try again now rather than at the end of a backoff.
      stream.nextAttemptAt = null;
      stream.updatedAt = new Date();
      const after = describe(stream);
      const changes = after.flatMap((change, i) =>
        JSON.stringify(change.after) === JSON.stringify(before[i].after) ? [] : [{ path: change.path, before: before[i].after, after: change.after }],
      );
      await em.flush();
      await this.audit.record(em, tenant.id, context, {
        action: 'event_stream.updated',
        resource: identityOf(stream),
        changes: [
          ...changes,
          // The header itself is a secret: only that it changed is recorded.
          ...(input.authorizationHeader !== undefined ? [{ path: 'authorizationHeader', before: '(secret)', after: '(secret, changed)' }] : []),
        ],
        httpStatus: 200,
      });
      return stream;
    });
    this.dispatcher.wake();
    return this.view(stream, origin);
  }

  async delete(tenantId: string, streamId: string, context: AuditContext): Promise<void> {
    const tenant = await this.tenants.require(tenantId);
    await this.em.fork().transactional(async (em) => {
      const stream = await this.require(em, tenant.id, streamId);
      await this.streams.forgetDelivery(em, stream.id);
      await this.events.countStreamOut(em, tenant.id);
      em.remove(stream);
      await em.flush();
      await this.audit.record(em, tenant.id, context, {
        action: 'event_stream.deleted',
        resource: identityOf(stream),
        changes: describe(stream).map((c) => ({ ...c, before: c.after, after: null })),
        httpStatus: 204,
      });
    });
  }

  private async require(em: EntityManager, tenantId: string, streamId: string): Promise<EventStreamEntity> {
    const stream = isUuid(streamId) ? await em.findOne(EventStreamEntity, { id: streamId.toLowerCase(), tenantId }) : null;
    if (!stream) throw ScimError.notFound(`Event stream ${streamId} not found`);
    return stream;
  }

  private async view(stream: EventStreamEntity, origin: string): Promise<StreamView> {
    const backlog = await this.events.backlogOf(this.em.fork(), stream.tenantId, stream.position);
    return {
      stream,
      pollUrl: stream.delivery === 'poll' ? pollUrlOf(origin, stream.id) : null,
      health: {
        backlog: backlog.size,
        oldestUndeliveredAt: backlog.oldest,
        lastSuccessAt: stream.lastSuccessAt ?? null,
        lastErrorAt: stream.lastErrorAt ?? null,
        lastError: stream.lastError ?? null,
        consecutiveFailures: stream.consecutiveFailures,
        nextAttemptAt: stream.nextAttemptAt ?? null,
        deliveredCount: stream.deliveredCount,
        failedCount: stream.failedCount,
      },
    };
  }
}

export function pollUrlOf(origin: string, streamId: string): string {
  return `${origin}/events/v1/streams/${streamId}/poll`;
}

function authorizationHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !value.trim() || value.length > MAX_AUTHORIZATION_LENGTH || /[\r\n\0]/.test(value) || textProblem(value)) {
    throw ScimError.invalidValue(`authorizationHeader must be a single-line header value of at most ${MAX_AUTHORIZATION_LENGTH} characters`);
  }
  return value.trim();
}

function audience(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.length || value.length > MAX_AUDIENCE_LENGTH || textProblem(value) || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) {
    throw ScimError.invalidValue(`audience must be a URI of at most ${MAX_AUDIENCE_LENGTH} characters`);
  }
  return value;
}

function identityOf(stream: EventStreamEntity) {
  return { type: 'EventStream' as const, id: stream.id, name: `${stream.delivery}:${stream.format}` };
}

// What the audit trail shows of a stream: never the authorization header.
function describe(stream: EventStreamEntity) {
  return [
    { path: 'delivery', before: null, after: stream.delivery },
    { path: 'format', before: null, after: stream.format },
    { path: 'events', before: null, after: stream.events },
    { path: 'audience', before: null, after: stream.audience },
    { path: 'endpointUrl', before: null, after: stream.endpointUrl ?? null },
    { path: 'status', before: null, after: stream.status },
  ];
}
