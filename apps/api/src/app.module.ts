import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type RosterConfig } from '@roster/config';
import { DirectoryModule, entities } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { DatabaseModule, RosterMetrics } from '@roster/platform';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

@Module({})
export class AppModule {
  static forRoot(config: RosterConfig, log?: (message: string) => void): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config.database, entities, migrations, { log, sql: config.sqlDebug }), DirectoryModule],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: RosterMetrics, useValue: new RosterMetrics() }],
    };
  }
}
