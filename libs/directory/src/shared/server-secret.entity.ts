import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Random keys this deployment generates for itself on first use and shares through its database, so
 * every process signs and checks the same way (paging cursors) without an operator having to set them.
 */
@Entity({ tableName: 'server_secrets' })
export class ServerSecretEntity {
  @PrimaryKey({ type: 'string', length: 64 })
  name: string;

  @Property({ type: 'string', length: 128 })
  value: string;
}
