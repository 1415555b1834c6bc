import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { resourceCount } from '../shared/resource-counts';
import { fromSql, runSql, sqlBool, sqlTime } from '../shared/sql';

/** How many rows match, and the first few of them by name. */
export interface Sample {
  count: number;
  examples: string[];
}

/**
 * The read model behind a tenant's provisioning health: a handful of counts over indexed columns of users,
 * tokens, audit and authentication failures, none of which walks the tenant's users.
 */
@Injectable()
export class TenantHealthRepository {
  /** The kept user count, the deactivated users by their index, groups and users deleted but remembered. */
  async directoryCounts(em: EntityManager, tenantId: string): Promise<{ users: number; activeUsers: number; groups: number; deletedUsers: number }> {
    const users = (await resourceCount(em, tenantId, 'User')) ?? (await count(em, 'SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?', [tenantId]));
    const inactive = await count(em, 'SELECT COUNT(*) AS n FROM users WHERE tenant_id = ? AND active = ?', [tenantId, sqlBool(em, false)]);
    const groups = await count(em, 'SELECT COUNT(*) AS n FROM groups WHERE tenant_id = ?', [tenantId]);
    const deletedUsers = await count(em, 'SELECT COUNT(*) AS n FROM deleted_users WHERE tenant_id = ?', [tenantId]);
    return { users, activeUsers: users - inactive, groups, deletedUsers };
  }

  usersWithoutExternalId(em: EntityManager, tenantId: string, examples: number): Promise<Sample> {
    return sample(em, 'user_name', 'FROM users WHERE tenant_id = ? AND external_id IS NULL', 'user_name_ci', [tenantId], examples);
  }

  activeUsersUntouchedSince(em: EntityManager, tenantId: string, since: Date, examples: number): Promise<Sample> {
    const params = [tenantId, sqlBool(em, true), sqlTime(em, since)];
    return sample(em, 'user_name', 'FROM users WHERE tenant_id = ? AND active = ? AND updated_at < ?', 'updated_at', params, examples);
  }

  /** Tokens usable now, the next expiry among them, and those that expire before `expiringBefore`. */
  async tokens(
    em: EntityManager,
    tenantId: string,
    now: Date,
    expiringBefore: Date,
    examples: number,
  ): Promise<{ active: number; nextExpiryAt: Date | null; expiring: Sample }> {
    const live = 'FROM scim_tokens WHERE tenant_id = ? AND (revoked_at IS NULL OR revoked_at > ?) AND (expires_at IS NULL OR expires_at > ?)';
    const params = [tenantId, sqlTime(em, now), sqlTime(em, now)];
    const active = await count(em, `SELECT COUNT(*) AS n ${live}`, params);
    const nextExpiry = (await runSql<{ at: unknown }>(em, `SELECT MIN(expires_at) AS at ${live}`, params))[0]?.at;
    const expiring = await sample(
      em,
      'prefix',
      `${live} AND expires_at IS NOT NULL AND expires_at < ?`,
      'expires_at',
      [...params, sqlTime(em, expiringBefore)],
      examples,
    );
    return { active, nextExpiryAt: timeOrNull(nextExpiry), expiring };
  }

  /** When a provisioning token last authenticated (to the granularity tokens record it). */
  async lastIdpRequestAt(em: EntityManager, tenantId: string): Promise<Date | null> {
    const rows = await runSql<{ at: unknown }>(em, "SELECT MAX(last_used_at) AS at FROM scim_tokens WHERE tenant_id = ? AND scope = 'provision'", [tenantId]);
    return timeOrNull(rows[0]?.at);
  }

  /** Rejected SCIM authentications counted in hourly windows from `windowStart` (an ISO hour, as the counters key them). */
  authFailuresSince(em: EntityManager, tenantId: string, windowStart: string): Promise<number> {
    return count(em, 'SELECT COALESCE(SUM(count), 0) AS n FROM auth_failure_counters WHERE tenant_id = ? AND window_start >= ?', [tenantId, windowStart]);
  }

  /** Writes by SCIM tokens since a time, as audited, and how many of them failed. */
  async scimWritesSince(em: EntityManager, tenantId: string, since: Date): Promise<{ writes: number; failedWrites: number }> {
    const scimWrites = "FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? AND actor_type = 'scim-token'";
    const params = [tenantId, sqlTime(em, since)];
    return {
      writes: await count(em, `SELECT COUNT(*) AS n ${scimWrites}`, params),
      failedWrites: await count(em, `SELECT COUNT(*) AS n ${scimWrites} AND outcome = 'failure'`, params),
    };
  }
}

async function count(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  return Number((await runSql<{ n: number | string }>(em, sql, params))[0]?.n ?? 0);
}

async function sample(em: EntityManager, name: string, from: string, orderBy: string, params: unknown[], examples: number): Promise<Sample> {
  const rows = await runSql<{ name: string }>(em, `SELECT ${name} AS name ${from} ORDER BY ${orderBy} LIMIT ${examples}`, params);
  return { count: await count(em, `SELECT COUNT(*) AS n ${from}`, params), examples: rows.map((row) => String(row.name)) };
}

function timeOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : fromSql.time(value);
}
