import { DateTimeType } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A key that signs SETs. The newest one signs; older ones stay published until they retire. */
@Entity({ tableName: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryKey({ type: 'string', length: 64 })
  kid: string;

  @Property({ type: 'string', length: 16 })
  algorithm: string;

  @Property({ type: 'text' })
  privateJwk: string;

  @Property({ type: 'text' })
  publicJwk: string;

  @Property({ type: DateTimeType })
  createdAt: Date;

  @Property({ type: DateTimeType, nullable: true })
  retiresAt?: Date | null;
}
