import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One request a tenant's SCIM base URL received, and what Roster answered: the data behind the portal's
 * connection check and activity pages. Never a token, a header other than the user agent, or a body.
 *
 * Every SCIM request writes a row, so the table is as lean as its reads allow: keyed by tenant and a
 * time-ordered id (UUIDv7, whose first 48 bits are the time in milliseconds: the entry's time is read from
 * it, and a time range is a range of ids), with no other index. On SQLite it is one B-tree (WITHOUT ROWID).
 */
@Entity({ tableName: 'scim_requests' })
export class ScimRequestEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  @PrimaryKey({ type: 'uuid' })
  id: string;

  @Property({ type: 'string', length: 10 })
  method: string;

  /** Path and query below the tenant's base URL, as received (truncated to 2,048 characters). */
  @Property({ type: 'string', length: 2048 })
  path: string;

  @Property({ type: 'integer' })
  status: number;

  @Property({ type: 'string', length: 32, nullable: true })
  scimType?: string | null;

  @Property({ type: 'string', length: 1000, nullable: true })
  detail?: string | null;

  @Property({ type: 'integer' })
  durationMs: number;

  @Property({ type: 'string', length: 256, nullable: true })
  userAgent?: string | null;

  @Property({ type: 'string', length: 128 })
  requestId: string;

  /** Why a 401 or 403 was given: no token, unknown, revoked, expired, another tenant's, tenant disabled. */
  @Property({ type: 'string', length: 64, nullable: true })
  authFailure?: string | null;
}
