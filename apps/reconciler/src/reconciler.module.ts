import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type RosterConfig } from '@roster/config';
import { AuditModule, databaseSchema, ReconciliationModule, ScimRequestsModule, SessionsModule } from '@roster/directory';
import { migrations } from '@roster/migrations';
import { DatabaseModule } from '@roster/platform';

@Module({})
export class ReconcilerModule {
  static forRoot(config: RosterConfig, log?: (message: string) => void): DynamicModule {
    return {
      module: ReconcilerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.database, databaseSchema, migrations, { log, sql: config.sqlDebug, lockWait: 'batch' }, config.heavyReads),
        ReconciliationModule,
        AuditModule,
        ScimRequestsModule,
        SessionsModule,
      ],
    };
  }
}
