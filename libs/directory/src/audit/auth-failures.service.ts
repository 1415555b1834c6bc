import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';

/** Counts authentication failures per tenant and UTC hour instead of one event per request. */
@Injectable()
export class AuthFailuresService {
  private readonly logger = new Logger(AuthFailuresService.name);

  constructor(private readonly em: EntityManager) {}

  async count(tenantId: string, reason: string, now = new Date()): Promise<void> {
    const window = now.toISOString().slice(0, 13);
    const at = now.toISOString();
    try {
      await this.em
        .fork()
        .getConnection()
        .execute(
          `insert into auth_failure_counters (tenant_id, window_start, count, last_reason, last_at) values (?, ?, 1, ?, ?)
         on conflict (tenant_id, window_start) do update set count = auth_failure_counters.count + 1,
           last_reason = excluded.last_reason, last_at = excluded.last_at`,
          [tenantId, window, reason.slice(0, 200), at],
        );
    } catch (error) {
      // Counting must never turn a 401 into a 500.
      this.logger.warn(`could not count an authentication failure: ${(error as Error).message}`);
    }
  }

  async list(tenantId: string, limit = 48) {
    type Row = { window_start: string; count: number | string; last_reason: string };
    const rows = (await this.em
      .fork()
      .getConnection()
      .execute('select window_start, count, last_reason from auth_failure_counters where tenant_id = ? order by window_start desc limit ?', [
        tenantId,
        limit,
      ])) as Row[];
    return rows.map((r: Row) => ({ window: r.window_start, count: Number(r.count), lastReason: r.last_reason }));
  }
}
