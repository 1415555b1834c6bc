import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { Health } from '@roster/contract';
import { MigrationRunner, Public } from '@roster/platform';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly migrations: MigrationRunner,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Liveness: 200 while the process serves HTTP, whatever the database does (restart only if this fails). */
  @Get('live')
  live(): Health {
    return { status: 'ok', database: this.config.database.dialect };
  }

  /** Readiness: 200 once migrated and the database answers; 503 otherwise (send no traffic meanwhile). */
  @Get('ready')
  ready(@Res({ passthrough: true }) res: Response): Promise<Health> {
    return this.health(res);
  }

  /** Readiness, at the path load balancers and the operational contract already use. */
  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const database = this.config.database.dialect;
    if (!this.migrations.ready) {
      res.status(503);
      return { status: 'starting', database };
    }
    if (!(await this.migrations.ping())) {
      res.status(503);
      return { status: 'unavailable', database };
    }
    return { status: 'ok', database };
  }
}
