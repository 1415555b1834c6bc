import type { INestApplicationContext } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { RosterConfig } from '@roster/config';
import {
  AuditQueryService,
  DeletedUsersService,
  driftTotal,
  FINDINGS_NEEDING_ACTION,
  PortalSessions,
  ProvisioningEventsRepository,
  ScimRequestsService,
  SetupLinks,
  ReconciliationService,
  TenantEntity,
  TenantHealthService,
  TenantPurge,
  TenantsService,
  type Finding,
  type TenantHealth,
  type TenantReport,
} from '@roster/directory';

const MAX_DRIFT_LINES_PER_TENANT = 100;
const DAY_MS = 86_400_000;

export interface RunOptions {
  repair: boolean;
  dryRun?: boolean;
  /** A tenant slug or id: only that tenant. */
  tenant?: string;
  /** Called when a tenant starts, and as its users are checked. */
  onProgress?: (progress: { tenant: string; index: number; tenants: number; usersChecked: number; users: number }) => void;
  /** Called with each tenant's result as soon as it is done. */
  onTenant?: (result: TenantResult) => void;
}

export interface TenantResult {
  tenantId: string;
  slug: string;
  usersChecked: number;
  repaired: number;
  health: TenantHealth;
  /** The health findings plus what the walk found: unresolved managers and unrepaired drift. */
  findings: Finding[];
}

export interface ReconcileSummary {
  tenants: number;
  usersChecked: number;
  /** Disagreements between users' documents and what is derived from them (repaired with --repair). */
  drift: number;
  repaired: number;
  /** Users whose manager is not (yet) a user of the tenant: normal while an IdP sends reports first. */
  unresolvedManagers: number;
  findings: number;
  /** Findings an operator must act on (FINDINGS_NEEDING_ACTION): any makes the exit code 1. */
  findingsNeedingAction: number;
  auditEventsPruned: number;
  deletedUsersPurged: number;
  eventsPruned: number;
  /** SCIM request log entries past ROSTER_SCIM_REQUEST_LOG_DAYS or the per-tenant cap. */
  scimRequestsPruned: number;
  /** Ended portal sessions and setup links expired over a day ago. */
  portalSessionsPruned: number;
  /** Deleted tenants whose data was purged (their retention ended, or a purge was asked for). */
  tenantsPurged: number;
  retention: 'applied' | 'skipped (dry run)';
}

export interface NightlyReport {
  startedAt: string;
  finishedAt: string;
  options: { repair: boolean; dryRun: boolean; tenant: string | null };
  summary: ReconcileSummary;
  tenants: TenantResult[];
  /**
   * The largest resident memory seen during the run, sampled after every page of users (bytes). Not the
   * kernel's ru_maxrss: for a process started by fork and exec that counts the parent's memory at the fork.
   */
  maxRssBytes: number;
}

/** Whether the run found something an operator must act on (exit code 1); informational findings are not. */
export function needsAttention(report: NightlyReport): boolean {
  return report.tenants.some((tenant) => tenant.findings.some((finding) => FINDINGS_NEEDING_ACTION.has(finding.kind)));
}

/**
 * One nightly run: refuses an unmigrated database; per tenant, the health figures and findings, then a walk
 * over every user (drift, unresolved managers; repaired with `repair`); then retention unless dry-run,
 * deleted tenants' purges included.
 */
export async function reconcile(app: INestApplicationContext, config: RosterConfig, logger: Logger, options: RunOptions): Promise<NightlyReport> {
  const startedAt = new Date();
  const orm = app.get(MikroORM);
  const pending = await orm.migrator.getPending();
  if (pending.length) throw new Error(`the database has ${pending.length} pending migration(s): start the server (npm start) to apply them first`);
  const repair = options.repair && !options.dryRun;
  const tenants = await tenantsToCheck(app, options.tenant);
  const summary: ReconcileSummary = {
    tenants: 0,
    usersChecked: 0,
    drift: 0,
    repaired: 0,
    unresolvedManagers: 0,
    findings: 0,
    findingsNeedingAction: 0,
    auditEventsPruned: 0,
    deletedUsersPurged: 0,
    eventsPruned: 0,
    scimRequestsPruned: 0,
    portalSessionsPruned: 0,
    tenantsPurged: 0,
    retention: options.dryRun ? 'skipped (dry run)' : 'applied',
  };
  const results: TenantResult[] = [];
  const walker = app.get(ReconciliationService);
  let maxRss = process.memoryUsage.rss();
  for (const [index, tenant] of tenants.entries()) {
    const health = await app.get(TenantHealthService).of(tenant);
    const progress = (usersChecked: number) => {
      maxRss = Math.max(maxRss, process.memoryUsage.rss());
      options.onProgress?.({ tenant: tenant.slug, index, tenants: tenants.length, usersChecked, users: health.counts.users });
    };
    progress(0);
    const walk = await walker.reconcileTenant(tenant, { repair, onProgress: progress });
    for (const found of walk.drift.slice(0, MAX_DRIFT_LINES_PER_TENANT)) {
      if (found.kind === 'reference') logger.info({ ...found }, 'unresolved manager');
      else logger.warn({ ...found }, 'drift');
    }
    const result: TenantResult = {
      tenantId: tenant.id,
      slug: tenant.slug,
      usersChecked: walk.usersChecked,
      repaired: walk.repaired,
      health,
      findings: [...health.findings, ...walkFindings(walk)],
    };
    results.push(result);
    summary.tenants++;
    summary.usersChecked += walk.usersChecked;
    const references = walk.driftCounts.reference ?? 0;
    summary.drift += driftTotal(walk) - references;
    summary.unresolvedManagers += references;
    summary.repaired += walk.repaired;
    summary.findings += result.findings.length;
    summary.findingsNeedingAction += result.findings.filter((finding) => FINDINGS_NEEDING_ACTION.has(finding.kind)).length;
    options.onTenant?.(result);
  }
  if (!options.dryRun) {
    summary.auditEventsPruned = await app.get(AuditQueryService).prune(config.auditRetentionDays);
    summary.deletedUsersPurged = await app.get(DeletedUsersService).purge(config.deletedUserRetentionDays);
    summary.eventsPruned = await app
      .get(ProvisioningEventsRepository)
      .pruneDelivered(orm.em.fork(), new Date(Date.now() - config.events.retentionDays * DAY_MS));
    summary.scimRequestsPruned = await app.get(ScimRequestsService).prune();
    summary.portalSessionsPruned = (await app.get(PortalSessions).prune()) + (await app.get(SetupLinks).prune());
    const purge = app.get(TenantPurge);
    for (const tenantId of await purge.due()) {
      const removed = await purge.purge(tenantId);
      if (!removed) continue;
      summary.tenantsPurged++;
      logger.info({ tenantId, rows: removed }, 'tenant purged');
    }
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options: { repair: options.repair, dryRun: options.dryRun === true, tenant: options.tenant ?? null },
    summary,
    tenants: results,
    maxRssBytes: Math.max(maxRss, process.memoryUsage.rss()),
  };
}

async function tenantsToCheck(app: INestApplicationContext, key: string | undefined): Promise<TenantEntity[]> {
  const em = app.get(MikroORM).em.fork();
  if (key === undefined) return em.find(TenantEntity, { deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const found = await RequestContext.create(em, () => app.get(TenantsService).findByKey(key));
  if (!found) throw new Error(`no tenant "${key}"`);
  return [await em.findOneOrFail(TenantEntity, { id: found.id })];
}

// Unresolved managers are the IdP's to fix (reported, never repaired); other drift counts until repaired.
function walkFindings(walk: TenantReport): Finding[] {
  const findings: Finding[] = [];
  const references = walk.driftCounts.reference ?? 0;
  if (references) {
    findings.push({
      kind: 'unresolved-managers',
      count: references,
      detail: 'users whose manager is not a user of this tenant (deleted, or not provisioned yet)',
      examples: walk.drift
        .filter((d) => d.kind === 'reference')
        .slice(0, 5)
        .map((d) => `${d.userId}: ${d.detail}`),
    });
  }
  const unrepaired = driftTotal(walk) - references - walk.repaired;
  if (unrepaired > 0) {
    findings.push({
      kind: 'drift',
      count: unrepaired,
      detail: 'users whose stored data disagrees with their document (run with --repair to fix derived data)',
      examples: walk.drift
        .filter((d) => d.kind !== 'reference')
        .slice(0, 5)
        .map((d) => `${d.userId} ${d.kind}: ${d.detail}`),
    });
  }
  return findings;
}
