import { DateTimeType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

export type PortalSessionKind = 'tenant' | 'operator';

/** A signed-in portal user: a customer's IT admin (one tenant) or the operator (every tenant). */
@Entity({ tableName: 'portal_sessions' })
@Index({ name: 'portal_sessions_expiry_idx', properties: ['expiresAt'] })
export class PortalSessionEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  /** SHA-256 of the cookie's secret, hex: the secret itself is never stored. */
  @Property({ type: 'string', length: 64 })
  @Unique({ name: 'portal_sessions_hash_unique' })
  secretHash: string;

  @Property({ type: 'string', length: 16 })
  kind: PortalSessionKind;

  /** The tenant of a tenant session; null for the operator. */
  @Property({ type: 'uuid', nullable: true })
  tenantId?: string | null;

  @Property({ type: DateTimeType })
  createdAt: Date;

  /** Moved on at most once a minute while the session is used; idle past the limit, it has ended. */
  @Property({ type: DateTimeType })
  lastSeenAt: Date;

  /** The absolute end, whatever the use. */
  @Property({ type: DateTimeType })
  expiresAt: Date;
}
