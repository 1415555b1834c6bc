import { Module, type DynamicModule } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DatabaseConfig } from '@roster/config';
import { MigrationRunner } from './migration-runner';
import { buildOrmOptions, type EntityClass, type MigrationSets, type OrmLogging } from './orm-options';

@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig, entities: EntityClass[], migrations: MigrationSets, logging: OrmLogging = {}): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [MikroOrmModule.forRoot({ ...buildOrmOptions(database, entities, migrations, logging), registerRequestContext: true })],
      providers: [MigrationRunner],
      exports: [MigrationRunner],
    };
  }
}
