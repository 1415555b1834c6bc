import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { AuthFailureCountersRepository } from './auth-failure-counters.repository';

/** Counts authentication failures per tenant and UTC hour instead of one event per request. */
@Injectable()
export class AuthFailuresService {
  private readonly logger = new Logger(AuthFailuresService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly counters: AuthFailureCountersRepository,
  ) {}

  async count(tenantId: string, reason: string, now = new Date()): Promise<void> {
    try {
      await this.counters.increment(this.em.fork(), tenantId, now.toISOString().slice(0, 13), reason.slice(0, 200), now.toISOString());
    } catch (error) {
      // Counting must never turn a 401 into a 500.
      this.logger.warn(`could not count an authentication failure: ${(error as Error).message}`);
    }
  }

  list(tenantId: string, limit = 48) {
    return this.counters.latest(this.em.fork(), tenantId, limit);
  }
}
