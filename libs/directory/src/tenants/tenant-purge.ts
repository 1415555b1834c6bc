import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
import { DEPLOYMENT_AUDIT_SCOPE } from '../audit/audit-query.service';
import { runSql, runSqlWrite, sqlTime } from '../shared/sql';
import { TenantChanges } from './tenant-changes';

/** Rows removed by one statement: small enough that no other tenant's write waits long for it. */
const BATCH = 250;
/** A breath between batches, for the other tenants' requests (SQLite has one writer). */
const PAUSE_MS = 5;

/**
 * Every table that holds a tenant's data, in an order foreign keys allow, with the columns that identify a
 * row (what a batch deletes by). Rows of `byStream` tables belong to a tenant through its event streams.
 * The purge test fails when a table with a tenant_id column is missing here.
 */
export const TENANT_DATA: { table: string; key: string[]; byStream?: true }[] = [
  { table: 'group_members', key: ['group_id', 'user_id'] },
  { table: 'groups', key: ['id'] },
  { table: 'user_emails', key: ['id'] },
  { table: 'users', key: ['id'] },
  { table: 'deleted_users', key: ['id'] },
  { table: 'event_acks', key: ['stream_id', 'seq'], byStream: true },
  { table: 'event_failures', key: ['stream_id', 'seq'], byStream: true },
  { table: 'event_streams', key: ['id'] },
  { table: 'provisioning_events', key: ['tenant_id', 'seq'] },
  { table: 'event_sequences', key: ['tenant_id'] },
  { table: 'scim_tokens', key: ['id'] },
  { table: 'resource_counts', key: ['tenant_id', 'resource_type', 'slot'] },
  { table: 'auth_failure_counters', key: ['tenant_id', 'window_start'] },
  { table: 'scim_requests', key: ['tenant_id', 'id'] },
  { table: 'portal_sessions', key: ['id'] },
  { table: 'setup_links', key: ['id'] },
  { table: 'audit_events', key: ['id'] },
];

const PURGER: AuditContext = { actor: { type: 'admin' }, userAgent: 'roster-purge' };

/**
 * Removes a deleted tenant's data for good, once its purge is due (TenantsService.delete): a batch of rows at
 * a time, table after table, then the tenant itself, and records it in the deployment's audit trail. From
 * the first batch on the tenant can no longer be restored. Idempotent: a purge cut short (a crash, a restart)
 * resumes where it stopped.
 */
@Injectable()
export class TenantPurge {
  private readonly logger = new Logger('TenantPurge');

  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly changes: TenantChanges,
  ) {}

  /** Deleted tenants whose purge is due, oldest deletion first. */
  async due(now = new Date()): Promise<string[]> {
    const em = this.em.fork();
    const rows = await runSql<{ id: string }>(em, 'SELECT id FROM tenants WHERE deleted_at IS NOT NULL AND purge_after <= ? ORDER BY deleted_at, id', [
      sqlTime(em, now),
    ]);
    return rows.map((row) => String(row.id));
  }

  /**
   * Purges the tenant if it is deleted and its purge is due; the rows removed per table, or undefined when
   * there was nothing to purge (not deleted, restored meanwhile, not due yet, already gone).
   */
  async purge(tenantId: string, now = new Date()): Promise<Record<string, number> | undefined> {
    const em = this.em.fork();
    const tenant = (
      await runSql<{ name: string; slug: string }>(em, 'SELECT name, slug FROM tenants WHERE id = ? AND deleted_at IS NOT NULL AND purge_after <= ?', [
        tenantId,
        sqlTime(em, now),
      ])
    )[0];
    if (!tenant) return undefined;
    // From here on a restore is refused: part of the data may already be gone.
    await runSqlWrite(em, 'UPDATE tenants SET purge_started_at = coalesce(purge_started_at, ?) WHERE id = ?', [sqlTime(em, now), tenantId]);
    const removed: Record<string, number> = {};
    // Twice: a request authenticated just before the deletion may still have written behind the first pass.
    for (let pass = 0; pass < 2; pass++)
      for (const data of TENANT_DATA) removed[data.table] = (removed[data.table] ?? 0) + (await this.purgeTable(em, tenantId, data));
    await runSqlWrite(em, 'DELETE FROM tenants WHERE id = ?', [tenantId]);
    await this.audit.record(em, DEPLOYMENT_AUDIT_SCOPE, PURGER, {
      action: 'tenant.purged',
      resource: { type: 'Tenant', id: tenantId, name: tenant.name },
      changes: Object.entries(removed)
        .filter(([, rows]) => rows > 0)
        .map(([table, rows]) => ({ path: table, before: rows, after: 0 })),
      httpStatus: 200,
    });
    this.changes.changed(tenantId);
    this.logger.log(`tenant ${tenant.slug} (${tenantId}) purged: ${Object.values(removed).reduce((a, b) => a + b, 0)} rows`);
    return removed;
  }

  private async purgeTable(em: EntityManager, tenantId: string, data: (typeof TENANT_DATA)[number]): Promise<number> {
    const key = data.key.length === 1 ? data.key[0] : `(${data.key.join(', ')})`;
    const owned = data.byStream ? 'stream_id IN (SELECT id FROM event_streams WHERE tenant_id = ?)' : 'tenant_id = ?';
    const statement = `DELETE FROM ${data.table} WHERE ${key} IN (SELECT ${data.key.join(', ')} FROM ${data.table} WHERE ${owned} LIMIT ${BATCH})`;
    let total = 0;
    for (;;) {
      const removed = await runSqlWrite(em, statement, [tenantId]);
      total += removed;
      if (removed < BATCH) return total;
      await sleep(PAUSE_MS);
    }
  }
}
