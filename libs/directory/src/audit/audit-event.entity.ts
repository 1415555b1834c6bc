import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { DateTimeType, OptionalProps } from '@mikro-orm/core';
import { newId } from '../shared/ids';

export type AuditOutcome = 'success' | 'failure';
/** Who acted: an IdP's token, the admin token, or a portal session (a customer's IT admin or the operator). */
export type AuditActor = { type: 'scim-token'; tokenId: string } | { type: 'admin' } | { type: 'portal-tenant' | 'portal-operator'; sessionId: string };
export interface AuditChange {
  path: string;
  before: unknown;
  after: unknown;
}

@Entity({ tableName: 'audit_events' })
@Index({ name: 'audit_events_tenant_time_idx', properties: ['tenantId', 'occurredAt', 'id'] })
@Index({ name: 'audit_events_tenant_resource_idx', properties: ['tenantId', 'resourceId', 'occurredAt'] })
@Index({ name: 'audit_events_time_idx', properties: ['occurredAt'] })
export class AuditEventEntity {
  [OptionalProps]?:
    'id' | 'changes' | 'resourceId' | 'resourceName' | 'resourceExternalId' | 'actorTokenId' | 'scimType' | 'detail' | 'requestId' | 'userAgent';

  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: DateTimeType })
  occurredAt: Date;

  @Property({ type: 'string', length: 20 })
  actorType: AuditActor['type'];

  /** The token's id (scim-token) or the session's (portal-…). */
  @Property({ type: 'uuid', nullable: true })
  actorTokenId?: string | null;

  @Property({ type: 'string', length: 64 })
  action: string;

  @Property({ type: 'string', length: 20 })
  resourceType: string;

  @Property({ type: 'string', length: 64, nullable: true })
  resourceId?: string | null;

  @Property({ type: 'text', nullable: true })
  resourceName?: string | null;

  @Property({ type: 'text', nullable: true })
  resourceExternalId?: string | null;

  @Property({ type: 'json', nullable: true })
  changes?: AuditChange[] | null;

  @Property({ type: 'string', length: 10 })
  outcome: AuditOutcome;

  @Property({ type: 'integer' })
  httpStatus: number;

  @Property({ type: 'string', length: 32, nullable: true })
  scimType?: string | null;

  @Property({ type: 'text', nullable: true })
  detail?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  requestId?: string | null;

  @Property({ type: 'text', nullable: true })
  userAgent?: string | null;
}
