import { BigIntType, DateTimeType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

// The outbox tables are written and read with hand-written SQL (outbox.ts, stream-reader.ts); these
// entities describe them for the migration tool and the schema drift test.

/** Per tenant: the last event sequence number handed out, and how many streams exist (0: nothing is recorded). */
@Entity({ tableName: 'event_sequences' })
export class EventSequenceEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  @Property({ type: new BigIntType('number') })
  lastSeq: number;

  @Property({ type: 'integer', default: 0 })
  streams: number;
}

/** One committed change, written in the change's own transaction; numbered per tenant in commit order. */
@Entity({ tableName: 'provisioning_events' })
@Index({ name: 'provisioning_events_occurred_idx', properties: ['occurredAt'] })
export class ProvisioningEventEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  @PrimaryKey({ type: new BigIntType('number') })
  seq: number;

  @Property({ type: 'uuid' })
  txn: string;

  @Property({ type: 'string', length: 16 })
  resourceType: string;

  @Property({ type: 'uuid' })
  resourceId: string;

  @Property({ type: 'string', length: 512, nullable: true })
  externalId?: string | null;

  @Property({ type: 'string', length: 64 })
  kinds: string;

  @Property({ type: 'string', length: 64, nullable: true })
  version?: string | null;

  @Property({ type: 'json', nullable: true })
  data?: unknown;

  @Property({ type: 'json' })
  attributes: string[];

  @Property({ type: DateTimeType })
  occurredAt: Date;
}

/** A poll stream's acknowledgements beyond its position (RFC 8936 acks arrive in any order). */
@Entity({ tableName: 'event_acks' })
export class EventAckEntity {
  @PrimaryKey({ type: 'uuid' })
  streamId: string;

  @PrimaryKey({ type: new BigIntType('number') })
  seq: number;
}

/** A SET the receiver refused for good (push: 400 with an RFC 8935 error; poll: setErrs). */
@Entity({ tableName: 'event_failures' })
export class EventFailureEntity {
  @PrimaryKey({ type: 'uuid' })
  streamId: string;

  @PrimaryKey({ type: new BigIntType('number') })
  seq: number;

  @Property({ type: 'string', length: 128 })
  jti: string;

  @Property({ type: 'string', length: 64 })
  err: string;

  @Property({ type: 'string', length: 1000, nullable: true })
  description?: string | null;

  @Property({ type: DateTimeType })
  failedAt: Date;
}
