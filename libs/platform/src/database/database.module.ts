import { Module, type DynamicModule } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DatabaseConfig } from '@roster/config';
import { HEAVY_READ_DATABASE, HEAVY_READ_SETTINGS, HeavyReads, type HeavyReadSettings } from './heavy-reads';
import { MigrationRunner } from './migration-runner';
import { PlannerStatistics } from './planner-statistics';
import { buildOrmOptions, type DatabaseSchema, type MigrationSets, type OrmSettings } from './orm-options';

@Module({})
export class DatabaseModule {
  static forRoot(
    database: DatabaseConfig,
    schema: DatabaseSchema,
    migrations: MigrationSets,
    settings: OrmSettings = {},
    heavyReads: HeavyReadSettings = { budgetMs: 5000, concurrency: 4 },
  ): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [MikroOrmModule.forRoot({ ...buildOrmOptions(database, schema, migrations, settings), registerRequestContext: true })],
      providers: [
        MigrationRunner,
        HeavyReads,
        PlannerStatistics,
        { provide: HEAVY_READ_DATABASE, useValue: database },
        { provide: HEAVY_READ_SETTINGS, useValue: heavyReads },
      ],
      exports: [MigrationRunner, HeavyReads, PlannerStatistics],
    };
  }
}
