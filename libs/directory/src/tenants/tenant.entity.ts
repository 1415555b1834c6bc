import { randomUUID } from 'node:crypto';
import { DateTimeType, OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

@Entity({ tableName: 'tenants' })
export class TenantEntity {
  [OptionalProps]?: 'id' | 'scimEnabled' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'purgeAfter' | 'purgeStartedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 200 })
  name: string;

  /** Appears in the SCIM base URL: lower-case letters, digits and dashes only (Okta rejects "_"). */
  @Property({ type: 'string', length: 63 })
  @Unique({ name: 'tenants_slug_unique' })
  slug: string;

  @Property({ type: 'boolean' })
  scimEnabled: boolean = true;

  /** This tenant's SCIM requests per second; null means the server's ROSTER_TENANT_RATE_LIMIT. */
  @Property({ type: 'integer', nullable: true })
  rateLimitPerSecond?: number | null;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** Deleted: answers nothing from then on, restorable until its data is purged (tenant-purge.ts). */
  @Property({ type: DateTimeType, nullable: true })
  deletedAt?: Date | null;

  /** When the nightly job may purge its data (the deletion plus the retention, or at once when asked). */
  @Property({ type: DateTimeType, nullable: true })
  purgeAfter?: Date | null;

  /** Set when a purge began: from then on the tenant cannot be restored. */
  @Property({ type: DateTimeType, nullable: true })
  purgeStartedAt?: Date | null;
}
