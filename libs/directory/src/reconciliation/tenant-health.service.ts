import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { EventStreamsRepository } from '../events/event-streams.repository';
import { ProvisioningEventsRepository } from '../events/provisioning-events.repository';
import type { TenantEntity } from '../tenants/tenant.entity';
import { TenantHealthRepository, type Sample } from './tenant-health.repository';

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
  constructor(
    private readonly em: EntityManager,
    private readonly health: TenantHealthRepository,
    private readonly streams: EventStreamsRepository,
    private readonly events: ProvisioningEventsRepository,
  ) {}

  async of(tenant: TenantEntity, now = new Date()): Promise<TenantHealth> {
    const em = this.em.fork();
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const findings: Finding[] = [];
    const add = (kind: FindingKind, n: number, detail: string, examples: string[] = []) => n > 0 && findings.push({ kind, count: n, detail, examples });
    const addSample = (kind: FindingKind, found: Sample, detail: string) => add(kind, found.count, detail, found.examples);

    const counts = await this.health.directoryCounts(em, tenant.id);
    addSample(
      'users-without-external-id',
      await this.health.usersWithoutExternalId(em, tenant.id, EXAMPLES),
      'users with no externalId: created before SCIM or by hand, the IdP cannot link them',
    );
    addSample(
      'untouched-active-users',
      await this.health.activeUsersUntouchedSince(em, tenant.id, daysAgo(HEALTH_RULES.untouchedDays), EXAMPLES),
      `active users no IdP request has changed for ${HEALTH_RULES.untouchedDays} days (still assigned?)`,
    );

    const tokens = await this.health.tokens(em, tenant.id, now, new Date(now.getTime() + HEALTH_RULES.tokenExpiryDays * DAY_MS), EXAMPLES);
    addSample('tokens-expiring', tokens.expiring, `tokens that expire within ${HEALTH_RULES.tokenExpiryDays} days: issue a new one and paste it into the IdP`);

    const lastIdpRequestAt = await this.health.lastIdpRequestAt(em, tenant.id);
    const silenceStart = daysAgo(HEALTH_RULES.idpSilenceDays).getTime();
    if (tenant.scimEnabled && tenant.createdAt.getTime() < silenceStart && (!lastIdpRequestAt || lastIdpRequestAt.getTime() < silenceStart)) {
      add(
        'idp-silent',
        1,
        `SCIM is enabled but no identity provider request for ${HEALTH_RULES.idpSilenceDays} days (last: ${lastIdpRequestAt?.toISOString() ?? 'never'})`,
      );
    }

    const authFailures = await this.health.authFailuresSince(em, tenant.id, daysAgo(1).toISOString().slice(0, 13));
    add('auth-failures', authFailures, 'rejected SCIM authentications in the last 24 h: an IdP may still use a revoked or expired token');
    const { writes, failedWrites } = await this.health.scimWritesSince(em, tenant.id, daysAgo(1));

    const streams = await this.streams.healthOf(em, tenant.id);
    const failing: string[] = [];
    const backedUp: string[] = [];
    let backlog = 0;
    for (const stream of streams) {
      const behind = await this.events.backlogOf(em, tenant.id, stream.position);
      backlog += behind.size;
      if (stream.consecutiveFailures > 0) failing.push(`${stream.id}: ${(stream.lastError ?? '').slice(0, 120)}`);
      else if (behind.oldest && now.getTime() - behind.oldest.getTime() > HEALTH_RULES.streamBacklogMinutes * 60_000)
        backedUp.push(`${stream.id} (${stream.status}): ${behind.size} waiting since ${behind.oldest.toISOString()}`);
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
      counts,
      last24h: { writes, failedWrites, authFailures },
      tokens: { active: tokens.active, nextExpiryAt: tokens.nextExpiryAt },
      eventStreams: { total: streams.length, failing: failing.length, backlog },
      findings,
    };
  }
}
