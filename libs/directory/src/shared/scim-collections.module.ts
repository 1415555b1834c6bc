import { Module } from '@nestjs/common';
import { ScimCollections } from './scim-collections';

/** One registry of the resource types served, shared by the modules that register and dispatch through it. */
@Module({ providers: [ScimCollections], exports: [ScimCollections] })
export class ScimCollectionsModule {}
