import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { RosterConfig } from './roster-config';

export const ROSTER_CONFIG = Symbol('ROSTER_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RosterConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: ROSTER_CONFIG, useValue: config }], exports: [ROSTER_CONFIG] };
  }
}
