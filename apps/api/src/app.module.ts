import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigModule, ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { MikroORM } from '@mikro-orm/core';
import { dialectOf, DirectoryModule, databaseSchema, ProvisioningEventsRepository, PushDispatcher } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { DatabaseModule, MigrationRunner, RosterMetrics, type SqliteLockWait } from '@roster/platform';
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

/** Gauges that read the database pool and the event streams when Prometheus scrapes. */
@Injectable()
class OperationalGauges implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: RosterMetrics,
    private readonly orm: MikroORM,
    private readonly migrations: MigrationRunner,
    private readonly events: ProvisioningEventsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const connection = this.orm.em.getDriver().getConnection() as { getNativeClient?: () => Promise<unknown> };
    const pool =
      dialectOf(this.orm.em) === 'postgresql'
        ? ((await connection.getNativeClient?.()) as { totalCount: number; idleCount: number; waitingCount: number } | undefined)
        : undefined;
    this.metrics.watchDatabasePool(() => pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    this.metrics.watchEventStreams(async () => (this.migrations.ready ? this.events.deliveryFigures(this.orm.em.fork()) : { backlog: 0, failing: 0 }));
  }
}

@Module({})
export class AppModule {
  static forRoot(config: RosterConfig, options: { log?: (message: string) => void; lockWait?: SqliteLockWait } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(
          config.database,
          databaseSchema,
          migrations,
          { log: options.log, sql: config.sqlDebug, lockWait: options.lockWait },
          config.heavyReads,
        ),
        DirectoryModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: RosterMetrics, useValue: new RosterMetrics() }, InProcessDispatch, OperationalGauges],
    };
  }
}
