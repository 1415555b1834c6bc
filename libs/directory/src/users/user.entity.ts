import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { ScimResourceEntity } from '../shared/scim-resource.entity';

/** A SCIM User; userName, emails and the rest live in `document`, the columns below index them. */
@Entity({ tableName: 'users' })
@Unique({ name: 'users_tenant_username_unique', properties: ['tenantId', 'userNameCi'] })
@Unique({ name: 'users_tenant_email_unique', properties: ['tenantId', 'identityEmailCi'] })
@Index({ name: 'users_tenant_external_id_idx', properties: ['tenantId', 'externalId'] })
@Index({ name: 'users_tenant_created_idx', properties: ['tenantId', 'createdAt', 'id'] })
// meta.lastModified ranges (an IdP's incremental reads) and users no IdP has touched for a while.
@Index({ name: 'users_tenant_updated_idx', properties: ['tenantId', 'updatedAt', 'id'] })
// Deactivated (or active) learners in creation order, and their count, without reading the tenant.
@Index({ name: 'users_tenant_active_idx', properties: ['tenantId', 'active', 'createdAt', 'id'] })
export class UserEntity extends ScimResourceEntity {
  [OptionalProps]?:
    'id' | 'version' | 'createdAt' | 'updatedAt' | 'externalId' | 'displayName' | 'identityEmailCi' | 'documentBytes' | 'givenNameCi' | 'familyNameCi';

  /** Exactly as sent (Okta compares it byte for byte). */
  @Property({ type: 'string', length: 512 })
  userName: string;

  /** Lower-cased userName: uniqueness and case-insensitive lookups use this column's index. */
  @Property({ type: 'string', length: 512 })
  userNameCi: string;

  @Property({ type: 'string', length: 512, nullable: true })
  displayName?: string | null;

  @Property({ type: 'boolean' })
  active: boolean;

  /** The learner's identifying email, lower-cased: primary, else first work, else first, else userName. */
  @Property({ type: 'string', length: 512, nullable: true })
  identityEmailCi?: string | null;

  /** The document's size as stored (UTF-8 bytes of its JSON): pages and caches are bounded by it. */
  @Property({ type: 'integer', default: 0 })
  documentBytes: number = 0;

  /**
   * PostgreSQL only (SQLite's model drops them: declareSearchIndexes): the name's parts lower-cased, stored
   * generated columns the database computes from `document` on every write, never written by Roster. The
   * filter compiler compares them (userStorage.postgresLoweredColumns), and their prefix indexes answer a
   * common name's `sw` without reading its users (user-search-index.ts).
   */
  @Property({ type: 'text', nullable: true, generated: `(lower(document #>> '{name,givenName}')) stored` })
  givenNameCi?: string | null;

  @Property({ type: 'text', nullable: true, generated: `(lower(document #>> '{name,familyName}')) stored` })
  familyNameCi?: string | null;
}
