import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ScimCollectionsModule } from '../shared/scim-collections.module';
import { TokensModule } from '../tokens/tokens.module';
import { DeletedUsersController } from './deleted-users.controller';
import { DeletedUsersRepository } from './deleted-users.repository';
import { DeletedUsersService } from './deleted-users.service';
import { MeController } from './me.controller';
import { KnownUsers } from './known-users';
import { UserUpdates } from './user-updates';
import { UserViews } from './user-views';
import { UserGroupsQuery } from './user-groups.query';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { ListCursors } from '../shared/list-cursors';

@Module({
  imports: [TokensModule, EventsModule, ScimCollectionsModule],
  controllers: [UsersController, MeController, DeletedUsersController],
  providers: [ListCursors, UsersService, UsersRepository, UserGroupsQuery, UserViews, UserUpdates, KnownUsers, DeletedUsersRepository, DeletedUsersService],
  exports: [UsersService, UsersRepository, DeletedUsersService],
})
export class UsersModule {}
