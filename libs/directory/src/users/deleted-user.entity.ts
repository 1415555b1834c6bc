import { DateTimeType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { ResourceDocument } from '@roster/scim-core';

/**
 * A user deleted over SCIM, kept so that a learning platform does not lose a learner's history because an
 * IdP sent DELETE (Entra deletes 30 days after an unassignment). Out of the users table, it holds no
 * userName, email or externalId that a new user could not take; it can be restored until it is purged.
 */
@Entity({ tableName: 'deleted_users' })
@Index({ name: 'deleted_users_tenant_deleted_idx', properties: ['tenantId', 'deletedAt', 'id'] })
export class DeletedUserEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: 'string', length: 512 })
  userName: string;

  @Property({ type: 'string', length: 512, nullable: true })
  externalId?: string | null;

  @Property({ type: 'json' })
  document: ResourceDocument;

  /** The version it was deleted at: a restored user continues from it, so no version ever names two contents. */
  @Property({ type: 'integer', default: 1 })
  version: number = 1;

  @Property({ type: DateTimeType })
  createdAt: Date;

  @Property({ type: DateTimeType })
  deletedAt: Date;
}
