import { Module } from '@nestjs/common';
import { ScimCollectionsModule } from '../shared/scim-collections.module';
import { SearchController } from './search.controller';

/** Search across resource types (POST /.search); per-type search lives with each resource. */
@Module({ imports: [ScimCollectionsModule], controllers: [SearchController] })
export class SearchModule {}
