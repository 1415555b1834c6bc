import { Module, type DynamicModule } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DatabaseConfig } from '@roster/config';
import { MigrationRunner } from './migration-runner';
import { buildOrmOptions, type MigrationSets } from './orm-options';

@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig, entities: Function[], migrations: MigrationSets, log?: (message: string) => void): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [MikroOrmModule.forRoot({ ...buildOrmOptions(database, entities, migrations, log), registerRequestContext: true })],
      providers: [MigrationRunner],
      exports: [MigrationRunner],
    };
  }
}
