import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { UsersModule } from '../users/users.module';
import { SearchController } from './search.controller';

/** Search across resource types (POST /.search); per-type search lives with each resource. */
@Module({ imports: [UsersModule, GroupsModule], controllers: [SearchController] })
export class SearchModule {}
