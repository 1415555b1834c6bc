import { randomUUID } from 'node:crypto';
import { DateTimeType, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { ResourceDocument } from '@roster/scim-core';

/** A SCIM Group. Members are rows of group_members, never part of `document`: groups can be huge. */
@Entity({ tableName: 'groups' })
@Unique({ name: 'groups_tenant_display_name_unique', properties: ['tenantId', 'displayNameCi'] })
@Index({ name: 'groups_tenant_external_id_idx', properties: ['tenantId', 'externalId'] })
@Index({ name: 'groups_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
export class GroupEntity {
  [OptionalProps]?: 'id' | 'version' | 'createdAt' | 'updatedAt' | 'externalId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: 'string', length: 512 })
  displayName: string;

  @Property({ type: 'string', length: 512 })
  displayNameCi: string;

  @Property({ type: 'string', length: 512, nullable: true })
  externalId?: string | null;

  /** Client-writable attributes except members (displayName, externalId, extension data). */
  @Property({ type: 'json' })
  document: ResourceDocument;

  @Property({ type: 'integer', version: true })
  version: number = 1;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType })
  updatedAt: Date = new Date();
}
