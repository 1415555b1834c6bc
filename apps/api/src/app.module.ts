import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigModule, ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { DirectoryModule, entities, PushDispatcher } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { DatabaseModule, RosterMetrics } from '@roster/platform';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** The API server delivers push streams itself unless ROSTER_EVENTS_DISPATCH=off hands that to `npm run dispatch`. */
@Injectable()
class InProcessDispatch implements OnApplicationBootstrap {
  constructor(
    private readonly dispatcher: PushDispatcher,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.events.dispatch) this.dispatcher.start();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: RosterConfig, log?: (message: string) => void): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config.database, entities, migrations, { log, sql: config.sqlDebug }), DirectoryModule],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: RosterMetrics, useValue: new RosterMetrics() }, InProcessDispatch],
    };
  }
}
