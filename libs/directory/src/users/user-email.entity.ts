import { OptionalProps } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** One row per email of a user, so `emails.value eq` and `emails[type eq "work"].value eq` use an index. */
@Entity({ tableName: 'user_emails' })
@Index({ name: 'user_emails_value_idx', properties: ['valueCi', 'userId'] })
@Index({ name: 'user_emails_user_idx', properties: ['userId'] })
export class UserEmailEntity {
  [OptionalProps]?: 'id' | 'type' | 'display' | 'isPrimary';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id: number;

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: 'string', length: 512 })
  value: string;

  @Property({ type: 'string', length: 512 })
  valueCi: string;

  @Property({ type: 'string', length: 64, nullable: true })
  type?: string | null;

  @Property({ type: 'boolean' })
  isPrimary: boolean = false;

  @Property({ type: 'string', length: 512, nullable: true })
  display?: string | null;
}
