import { DateTimeType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** A single-use link the host application hands to a customer's IT admin: it opens a tenant session. */
@Entity({ tableName: 'setup_links' })
@Index({ name: 'setup_links_tenant_idx', properties: ['tenantId', 'createdAt'] })
export class SetupLinkEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  tenantId: string;

  /** SHA-256 of the link's secret, hex. */
  @Property({ type: 'string', length: 64 })
  @Unique({ name: 'setup_links_hash_unique' })
  secretHash: string;

  @Property({ type: DateTimeType })
  createdAt: Date;

  @Property({ type: DateTimeType })
  expiresAt: Date;

  /** Set when the link is opened: it works once. */
  @Property({ type: DateTimeType, nullable: true })
  usedAt?: Date | null;
}
