import { DateTimeType, OptionalProps, PrimaryKeyProp } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { UserEntity } from '../users/user.entity';
import { GroupEntity } from './group.entity';

/**
 * One membership. Written with set-based SQL (insert … on conflict do nothing, delete … where user_id in),
 * so a change costs what it changes, not the size of the group. Foreign keys cascade both deletes.
 */
@Entity({ tableName: 'group_members' })
// A user's groups are read by user (every read of a user) and its memberships cascade when it is deleted.
@Index({ name: 'group_members_user_id_index', properties: ['user'] })
export class GroupMemberEntity {
  [PrimaryKeyProp]?: ['group', 'user'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => GroupEntity, { primary: true, deleteRule: 'cascade', fieldName: 'group_id' })
  group: GroupEntity;

  @ManyToOne(() => UserEntity, { primary: true, deleteRule: 'cascade', fieldName: 'user_id' })
  user: UserEntity;

  @Property({ type: 'uuid' })
  tenantId: string;

  @Property({ type: DateTimeType })
  createdAt: Date = new Date();
}
