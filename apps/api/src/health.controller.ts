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
