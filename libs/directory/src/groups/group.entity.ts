import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { ScimResourceEntity } from '../shared/scim-resource.entity';

/** A SCIM Group. Members are rows of group_members, never part of `document`: groups can be huge. */
@Entity({ tableName: 'groups' })
@Unique({ name: 'groups_tenant_display_name_unique', properties: ['tenantId', 'displayNameCi'] })
@Index({ name: 'groups_tenant_external_id_idx', properties: ['tenantId', 'externalId'] })
@Index({ name: 'groups_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
export class GroupEntity extends ScimResourceEntity {
  [OptionalProps]?: 'id' | 'version' | 'createdAt' | 'updatedAt' | 'externalId';

  @Property({ type: 'string', length: 512 })
  displayName: string;

  @Property({ type: 'string', length: 512 })
  displayNameCi: string;
}
