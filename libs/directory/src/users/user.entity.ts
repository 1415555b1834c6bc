import { randomUUID } from 'node:crypto';
import { DateTimeType, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { ResourceDocument } from '@roster/scim-core';

/**
 * A SCIM User. `document` is the canonical client-writable representation (see scim-core
 * ResourceDocument); the other columns are derived from it for indexing, uniqueness and sorting.
 */
@Entity({ tableName: 'users' })
@Unique({ name: 'users_tenant_username_unique', properties: ['tenantId', 'userNameCi'] })
@Unique({ name: 'users_tenant_email_unique', properties: ['tenantId', 'identityEmailCi'] })
@Index({ name: 'users_tenant_external_id_idx', properties: ['tenantId', 'externalId'] })
@Index({ name: 'users_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
export class UserEntity {
  [OptionalProps]?: 'id' | 'version' | 'createdAt' | 'updatedAt' | 'externalId' | 'displayName' | 'identityEmailCi';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  tenantId: string;

  /** Exactly as sent (Okta compares it byte for byte). */
  @Property({ type: 'string', length: 512 })
  userName: string;

  /** Lower-cased userName: uniqueness and case-insensitive lookups use this column's index. */
  @Property({ type: 'string', length: 512 })
  userNameCi: string;

  @Property({ type: 'string', length: 512, nullable: true })
  externalId?: string | null;

  @Property({ type: 'string', length: 512, nullable: true })
  displayName?: string | null;

  @Property({ type: 'boolean' })
  active: boolean;

  /** The learner's identifying email, lower-cased: primary, else first work, else first, else userName. */
  @Property({ type: 'string', length: 512, nullable: true })
  identityEmailCi?: string | null;

  @Property({ type: 'json' })
  document: ResourceDocument;

  @Property({ type: 'integer', version: true })
  version: number = 1;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType })
  updatedAt: Date = new Date();
}
