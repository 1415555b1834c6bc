import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { backlogOf } from '../events/stream-feed';
import { resourceCount } from '../shared/resource-counts';
import { fromSql, runSql, sqlBool, sqlTime } from '../shared/sql';
import type { TenantEntity } from '../tenants/tenant.entity';

const DAY_MS = 86_400_000;
const EXAMPLES = 5;

/** Thresholds of the provisioning-health findings. */
export const HEALTH_RULES = {
  /** Active users whose record no IdP request has changed for this long. */
  untouchedDays: 90,
  /** Tokens that expire within this many days. */
  tokenExpiryDays: 14,
  /** An enabled tenant (older than this) whose IdP has not called for this many days. */
  idpSilenceDays: 7,
  /** A stream this far behind (oldest undelivered event) is backed up. */
  streamBacklogMinutes: 60,
};

export type FindingKind =
  | 'users-without-external-id'
  | 'untouched-active-users'
  | 'unresolved-managers'
  | 'tokens-expiring'
  | 'idp-silent'
  | 'auth-failures'
  | 'event-streams-failing'
  | 'event-streams-backed-up'
  | 'drift';

/**
 * The findings an operator must act on: the nightly job exits 1 when any tenant has one. The others describe
 * the tenant's directory as its identity provider made it (users it never linked, users it stopped touching,
 * managers it has not sent yet) and are reported without raising an alarm: they are normal for a while, and
 * only the customer's IdP can change them.
 */
export const FINDINGS_NEEDING_ACTION: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'drift',
  'tokens-expiring',
  'idp-silent',
  'auth-failures',
  'event-streams-failing',
  'event-streams-backed-up',
]);

/** Something about a tenant's provisioning that a person should look at, with a count and a few examples. */
export interface Finding {
  kind: FindingKind;
  count: number;
  detail: string;
  examples: string[];
}

export interface TenantHealth {
  tenantId: string;
  slug: string;
  scimEnabled: boolean;
  generatedAt: Date;
  lastIdpRequestAt: Date | null;
  counts: { users: number; activeUsers: number; groups: number; deletedUsers: number };
  last24h: { writes: number; failedWrites: number; authFailures: number };
  tokens: { active: number; nextExpiryAt: Date | null };
  eventStreams: { total: number; failing: number; backlog: number };
  findings: Finding[];
}

/**
 * A tenant's provisioning health from a handful of indexed queries (no walk over its users): the figures
 * the admin API shows live and the findings the nightly job reports beside its own walk.
 */
@Injectable()
export class TenantHealthService {
  constructor(private readonly em: EntityManager) {}

  async of(tenant: TenantEntity, now = new Date()): Promise<TenantHealth> {
    const em = this.em.fork();
    const since = (days: number) => sqlTime(em, new Date(now.getTime() - days * DAY_MS));
    const count = async (sql: string, params: unknown[]) => Number((await runSql<{ n: number | string }>(em, sql, params))[0]?.n ?? 0);
    const names = async (sql: string, params: unknown[]) =>
      (await runSql<{ name: string }>(em, `${sql} LIMIT ${EXAMPLES}`, params)).map((row) => String(row.name));
    const findings: Finding[] = [];
    const add = (kind: FindingKind, n: number, detail: string, examples: string[] = []) => n > 0 && findings.push({ kind, count: n, detail, examples });

    // The kept count, and the deactivated ones by their index: neither reads the tenant's users.
    const users = (await resourceCount(em, tenant.id, 'User')) ?? (await count('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ?', [tenant.id]));
    const activeUsers = users - (await count('SELECT COUNT(*) AS n FROM users WHERE tenant_id = ? AND active = ?', [tenant.id, sqlBool(em, false)]));
    const groups = await count('SELECT COUNT(*) AS n FROM groups WHERE tenant_id = ?', [tenant.id]);
    const deletedUsers = await count('SELECT COUNT(*) AS n FROM deleted_users WHERE tenant_id = ?', [tenant.id]);

    const noExternalId = 'FROM users WHERE tenant_id = ? AND external_id IS NULL';
    add(
      'users-without-external-id',
      await count(`SELECT COUNT(*) AS n ${noExternalId}`, [tenant.id]),
      'users with no externalId: created before SCIM or by hand, the IdP cannot link them',
      await names(`SELECT user_name AS name ${noExternalId} ORDER BY user_name_ci`, [tenant.id]),
    );
    const untouched = 'FROM users WHERE tenant_id = ? AND active = ? AND updated_at < ?';
    const untouchedParams = [tenant.id, sqlBool(em, true), since(HEALTH_RULES.untouchedDays)];
    add(
      'untouched-active-users',
      await count(`SELECT COUNT(*) AS n ${untouched}`, untouchedParams),
      `active users no IdP request has changed for ${HEALTH_RULES.untouchedDays} days (still assigned?)`,
      await names(`SELECT user_name AS name ${untouched} ORDER BY updated_at`, untouchedParams),
    );

    const live = 'FROM scim_tokens WHERE tenant_id = ? AND (revoked_at IS NULL OR revoked_at > ?) AND (expires_at IS NULL OR expires_at > ?)';
    const nowSql = sqlTime(em, now);
    const activeTokens = await count(`SELECT COUNT(*) AS n ${live}`, [tenant.id, nowSql, nowSql]);
    const nextExpiry = (await runSql<{ at: unknown }>(em, `SELECT MIN(expires_at) AS at ${live}`, [tenant.id, nowSql, nowSql]))[0]?.at;
    const expiring = `${live} AND expires_at IS NOT NULL AND expires_at < ?`;
    const expiringParams = [tenant.id, nowSql, nowSql, sqlTime(em, new Date(now.getTime() + HEALTH_RULES.tokenExpiryDays * DAY_MS))];
    add(
      'tokens-expiring',
      await count(`SELECT COUNT(*) AS n ${expiring}`, expiringParams),
      `tokens that expire within ${HEALTH_RULES.tokenExpiryDays} days: issue a new one and paste it into the IdP`,
      await names(`SELECT prefix AS name ${expiring} ORDER BY expires_at`, expiringParams),
    );

    const lastUsed = (
      await runSql<{ at: unknown }>(em, "SELECT MAX(last_used_at) AS at FROM scim_tokens WHERE tenant_id = ? AND scope = 'provision'", [tenant.id])
    )[0]?.at;
    const lastIdpRequestAt = lastUsed === null || lastUsed === undefined ? null : fromSql.time(lastUsed);
    const silenceStart = now.getTime() - HEALTH_RULES.idpSilenceDays * DAY_MS;
    if (tenant.scimEnabled && tenant.createdAt.getTime() < silenceStart && (!lastIdpRequestAt || lastIdpRequestAt.getTime() < silenceStart)) {
      add(
        'idp-silent',
        1,
        `SCIM is enabled but no identity provider request for ${HEALTH_RULES.idpSilenceDays} days (last: ${lastIdpRequestAt?.toISOString() ?? 'never'})`,
      );
    }

    const authFailures = await count('SELECT COALESCE(SUM(count), 0) AS n FROM auth_failure_counters WHERE tenant_id = ? AND window_start >= ?', [
      tenant.id,
      new Date(now.getTime() - DAY_MS).toISOString().slice(0, 13),
    ]);
    add('auth-failures', authFailures, 'rejected SCIM authentications in the last 24 h: an IdP may still use a revoked or expired token');
    const writes = await count("SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? AND actor_type = 'scim-token'", [
      tenant.id,
      since(1),
    ]);
    const failedWrites = await count(
      "SELECT COUNT(*) AS n FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? AND actor_type = 'scim-token' AND outcome = 'failure'",
      [tenant.id, since(1)],
    );

    const streams = await runSql(
      em,
      'SELECT id, status, position, consecutive_failures, last_error FROM event_streams WHERE tenant_id = ? ORDER BY created_at',
      [tenant.id],
    );
    const failing: string[] = [];
    const backedUp: string[] = [];
    let backlog = 0;
    for (const stream of streams) {
      const behind = await backlogOf(em, tenant.id, Number(stream.position));
      backlog += behind.size;
      if (Number(stream.consecutive_failures) > 0) failing.push(`${String(stream.id)}: ${String(stream.last_error ?? '').slice(0, 120)}`);
      else if (behind.oldest && now.getTime() - behind.oldest.getTime() > HEALTH_RULES.streamBacklogMinutes * 60_000)
        backedUp.push(`${String(stream.id)} (${stream.status}): ${behind.size} waiting since ${behind.oldest.toISOString()}`);
    }
    add('event-streams-failing', failing.length, 'event streams whose receiver keeps failing', failing.slice(0, EXAMPLES));
    add(
      'event-streams-backed-up',
      backedUp.length,
      `event streams with events waiting for more than ${HEALTH_RULES.streamBacklogMinutes} minutes`,
      backedUp.slice(0, EXAMPLES),
    );

    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      scimEnabled: tenant.scimEnabled,
      generatedAt: now,
      lastIdpRequestAt,
      counts: { users, activeUsers, groups, deletedUsers },
      last24h: { writes, failedWrites, authFailures },
      tokens: { active: activeTokens, nextExpiryAt: nextExpiry === null || nextExpiry === undefined ? null : fromSql.time(nextExpiry) },
      eventStreams: { total: streams.length, failing: failing.length, backlog },
      findings,
    };
  }
}
