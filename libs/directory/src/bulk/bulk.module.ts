import { Module } from '@nestjs/common';
import { ScimCollectionsModule } from '../shared/scim-collections.module';
import { TokensModule } from '../tokens/tokens.module';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';

/** RFC 7644 §3.7 Bulk: operations on every resource type served, each run as its own request would be. */
@Module({ imports: [ScimCollectionsModule, TokensModule], controllers: [BulkController], providers: [BulkService] })
export class BulkModule {}
