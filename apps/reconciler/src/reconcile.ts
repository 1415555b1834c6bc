import type { INestApplicationContext } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { RosterConfig } from '@roster/config';
import { AuditQueryService, DeletedUsersService, pruneDelivered, ReconciliationService } from '@roster/directory';

const MAX_DRIFT_LINES_PER_TENANT = 100;

export interface ReconcileSummary {
  tenants: number;
  usersChecked: number;
  drift: number;
  repaired: number;
  auditEventsPruned: number;
  deletedUsersPurged: number;
  eventsPruned: number;
}

/** One nightly run: refuses an unmigrated database, walks every tenant, prunes old audit events and delivered provisioning events, and purges deleted users past retention. */
export async function reconcile(app: INestApplicationContext, config: RosterConfig, logger: Logger, repair: boolean): Promise<ReconcileSummary> {
  const pending = await app.get(MikroORM).migrator.getPending();
  if (pending.length) throw new Error(`the database has ${pending.length} pending migration(s): start the server (npm start) to apply them first`);
  const summary: ReconcileSummary = { tenants: 0, usersChecked: 0, drift: 0, repaired: 0, auditEventsPruned: 0, deletedUsersPurged: 0, eventsPruned: 0 };
  for await (const report of app.get(ReconciliationService).run({ repair })) {
    summary.tenants++;
    summary.usersChecked += report.usersChecked;
    summary.drift += report.drift.length;
    summary.repaired += report.repaired;
    for (const drift of report.drift.slice(0, MAX_DRIFT_LINES_PER_TENANT)) logger.warn({ ...drift }, 'drift');
    logger.info({ tenantId: report.tenantId, slug: report.slug, usersChecked: report.usersChecked, drift: report.drift.length, repaired: report.repaired }, 'tenant reconciled');
  }
  summary.auditEventsPruned = await app.get(AuditQueryService).prune(config.auditRetentionDays);
  summary.deletedUsersPurged = await app.get(DeletedUsersService).purge(config.deletedUserRetentionDays);
  summary.eventsPruned = await pruneDelivered(app.get(MikroORM).em.fork(), new Date(Date.now() - config.events.retentionDays * 86_400_000));
  logger.info({ ...summary }, 'reconciliation finished');
  return summary;
}
