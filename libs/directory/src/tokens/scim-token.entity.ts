import { randomUUID } from 'node:crypto';
import { DateTimeType, OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

export type TokenScope = 'provision' | 'read';

@Entity({ tableName: 'scim_tokens' })
@Index({ name: 'scim_tokens_tenant_idx', properties: ['tenantId', 'createdAt'] })
export class ScimTokenEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'description' | 'expiresAt' | 'revokedAt' | 'lastUsedAt' | 'scope';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  tenantId: string;

  /** SHA-256 of the token, hex. The token itself is never stored. */
  @Property({ type: 'string', length: 64 })
  @Unique({ name: 'scim_tokens_hash_unique' })
  tokenHash: string;

  @Property({ type: 'string', length: 16 })
  prefix: string;

  /** `provision` (the IdP: everything) or `read` (the host application: GET and .search only). */
  @Property({ type: 'string', length: 16, default: 'provision' })
  scope: TokenScope = 'provision';

  @Property({ type: 'string', length: 200, nullable: true })
  description?: string | null;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();

  @Property({ type: DateTimeType, nullable: true })
  expiresAt?: Date | null;

  /** When the token stopped — or, after a rotation with overlap, will stop — working. */
  @Property({ type: DateTimeType, nullable: true })
  revokedAt?: Date | null;

  @Property({ type: DateTimeType, nullable: true })
  lastUsedAt?: Date | null;
}
