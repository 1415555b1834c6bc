import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Authentication failures per tenant and hour: a misconfigured IdP cannot flood the audit table. */
@Entity({ tableName: 'auth_failure_counters' })
export class AuthFailureCounterEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  /** UTC hour, e.g. 2026-11-23T14 */
  @PrimaryKey({ type: 'string', length: 13 })
  windowStart: string;

  @Property({ type: 'integer' })
  count: number;

  @Property({ type: 'string', length: 200 })
  lastReason: string;

  /** ISO-8601 UTC */
  @Property({ type: 'string', length: 30 })
  lastAt: string;
}
