import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * How many resources of a type a tenant has, kept in the same transaction as every create and delete,
 * so an unfiltered list's totalResults is a few rows read instead of a count over the whole tenant.
 *
 * The count is spread over slots (resource-counts.ts, COUNT_SLOTS) and is their sum: with one row, every
 * create of a tenant waited on the row lock of the create before it until that one committed.
 */
@Entity({ tableName: 'resource_counts' })
export class ResourceCountEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  @PrimaryKey({ type: 'string', length: 16 })
  resourceType: string;

  @PrimaryKey({ type: 'smallint', default: 0 })
  slot: number;

  @Property({ type: 'integer' })
  count: number;
}
