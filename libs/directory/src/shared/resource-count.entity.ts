import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * How many resources of a type a tenant has, kept in the same transaction as every create and delete,
 * so an unfiltered list's totalResults is one row read instead of a count over the whole tenant.
 */
@Entity({ tableName: 'resource_counts' })
export class ResourceCountEntity {
  @PrimaryKey({ type: 'uuid' })
  tenantId: string;

  @PrimaryKey({ type: 'string', length: 16 })
  resourceType: string;

  @Property({ type: 'integer' })
  count: number;
}
