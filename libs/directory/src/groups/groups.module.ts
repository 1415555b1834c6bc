import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { ScimCollectionsModule } from '../shared/scim-collections.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { ListCursors } from '../shared/list-cursors';

@Module({
  imports: [TokensModule, UsersModule, EventsModule, ScimCollectionsModule],
  controllers: [GroupsController],
  providers: [ListCursors, GroupsService, GroupsRepository],
  exports: [GroupsService],
})
export class GroupsModule {}
