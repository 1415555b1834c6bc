import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { limitClause, runSql, runSqlWrite } from '../shared/sql';

/** The SQL of auth_failure_counters: one row per tenant and UTC hour. */
@Injectable()
export class AuthFailureCountersRepository {
  /** Adds one failure to the tenant's counter of `window` (an ISO hour), creating it if needed. */
  async increment(em: EntityManager, tenantId: string, window: string, reason: string, at: string): Promise<void> {
    await runSqlWrite(
      em,
      `insert into auth_failure_counters (tenant_id, window_start, count, last_reason, last_at) values (?, ?, 1, ?, ?)
       on conflict (tenant_id, window_start) do update set count = auth_failure_counters.count + 1,
         last_reason = excluded.last_reason, last_at = excluded.last_at`,
      [tenantId, window, reason, at],
    );
  }

  /** The tenant's latest hours, newest first. */
  async latest(em: EntityManager, tenantId: string, limit: number): Promise<{ window: string; count: number; lastReason: string }[]> {
    const rows = await runSql<{ window_start: string; count: number | string; last_reason: string }>(
      em,
      `select window_start, count, last_reason from auth_failure_counters where tenant_id = ? order by window_start desc ${limitClause(limit)}`,
      [tenantId],
    );
    return rows.map((row) => ({ window: row.window_start, count: Number(row.count), lastReason: row.last_reason }));
  }
}
