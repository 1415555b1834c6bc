import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';

/** RFC 7644 §3.7 Bulk: operations on users and groups, each run as its own request would be. */
@Module({ imports: [UsersModule, GroupsModule, TokensModule], controllers: [BulkController], providers: [BulkService] })
export class BulkModule {}
