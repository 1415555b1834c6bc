import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { Public, RosterMetrics } from '@roster/platform';
import { ScimError } from '@roster/scim-core';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Prometheus text format. Open unless ROSTER_METRICS_TOKEN is set; then a bearer token is required. */
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: RosterMetrics,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const expected = this.config.metricsToken;
    if (expected) {
      const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(expected))) throw ScimError.unauthorized('Send Authorization: Bearer $ROSTER_METRICS_TOKEN');
    }
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
