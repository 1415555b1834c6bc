import { randomUUID } from 'node:crypto';
import { BigIntType, DateTimeType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { EventFormat } from '@roster/scim-core';

export type StreamDelivery = 'push' | 'poll';
export type StreamStatus = 'active' | 'paused';

/**
 * A subscription of the host application to one tenant's provisioning events. `position` is the tenant
 * event sequence number the stream has dealt with: delivered (push) or acknowledged (poll) up to there.
 */
@Entity({ tableName: 'event_streams' })
@Index({ name: 'event_streams_tenant_idx', properties: ['tenantId', 'createdAt'] })
export class EventStreamEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: 'string', length: 8 })
  delivery: StreamDelivery;

  @Property({ type: 'string', length: 8 })
  format: EventFormat;

  @Property({ type: 'json' })
  events: string[];

  @Property({ type: 'string', length: 2048 })
  audience: string;

  @Property({ type: 'string', length: 2048, nullable: true })
  endpointUrl?: string | null;

  /** A secret: sent to the receiver, never returned, logged or audited. */
  @Property({ type: 'string', length: 4096, nullable: true })
  authorizationHeader?: string | null;

  /** SHA-256 of the poll token, hex; the token itself is shown once. */
  @Property({ type: 'string', length: 64, nullable: true })
  @Unique({ name: 'event_streams_poll_token_unique' })
  pollTokenHash?: string | null;

  @Property({ type: 'string', length: 16, nullable: true })
  pollTokenPrefix?: string | null;

  @Property({ type: 'string', length: 8 })
  status: StreamStatus = 'active';

  @Property({ type: new BigIntType('number') })
  position: number;

  @Property({ type: 'string', length: 64, nullable: true })
  leaseOwner?: string | null;

  @Property({ type: DateTimeType, nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: DateTimeType, nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  consecutiveFailures: number = 0;

  @Property({ type: new BigIntType('number') })
  deliveredCount: number;

  @Property({ type: new BigIntType('number') })
  failedCount: number;

  @Property({ type: DateTimeType, nullable: true })
  lastSuccessAt?: Date | null;

  @Property({ type: DateTimeType, nullable: true })
  lastErrorAt?: Date | null;

  @Property({ type: 'string', length: 2048, nullable: true })
  lastError?: string | null;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType })
  updatedAt: Date = new Date();
}
