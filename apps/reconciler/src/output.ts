import pino, { type Logger } from 'pino';
import { FINDINGS_NEEDING_ACTION } from '@roster/directory';
import { createLogger } from '@roster/platform';
import type { NightlyReport, TenantResult } from './reconcile';

/**
 * The job's log lines (drift, errors) and its report lines share standard output, and collectors read the
 * "nightly run finished" line as the last word. pino writes in the background by default, so a warning
 * logged before the report could land after it; written synchronously, every line leaves in the order it
 * was made. A batch job loses nothing by waiting for its few log lines.
 */
export function jobLogger(level: string, fd = 1): Logger {
  return createLogger(level, pino.destination({ dest: fd, sync: true }));
}

/** A one-line progress bar, redrawn in place on a terminal. */
export function progressLine(progress: { tenant: string; index: number; tenants: number; usersChecked: number; users: number }, width = 30): string {
  const share = progress.users ? Math.min(1, progress.usersChecked / progress.users) : 1;
  const filled = Math.round(share * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  tenant ${progress.index + 1}/${progress.tenants} ${progress.tenant.slice(0, 30).padEnd(30)} ${progress.usersChecked}/${progress.users} users`;
}

/** One JSON line per tenant, for log collectors. */
export function tenantLine(result: TenantResult): string {
  return JSON.stringify({
    msg: 'tenant checked',
    tenantId: result.tenantId,
    slug: result.slug,
    usersChecked: result.usersChecked,
    repaired: result.repaired,
    findings: result.findings,
  });
}

/** The human summary: one row per tenant, then the findings that need a person, then retention. */
export function summaryTable(report: NightlyReport): string {
  const rows = [['tenant', 'users', 'active', 'groups', 'last IdP request', 'findings']];
  for (const t of report.tenants) {
    rows.push([
      t.slug,
      String(t.health.counts.users),
      String(t.health.counts.activeUsers),
      String(t.health.counts.groups),
      t.health.lastIdpRequestAt?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never',
      String(t.findings.length),
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), ''];
  for (const t of report.tenants) {
    for (const finding of t.findings) {
      out.push(
        `${FINDINGS_NEEDING_ACTION.has(finding.kind) ? '!' : ' '} ${t.slug}: ${finding.kind} (${finding.count}) — ${finding.detail}${finding.examples.length ? `; e.g. ${finding.examples.slice(0, 3).join(', ')}` : ''}`,
      );
    }
  }
  const s = report.summary;
  out.push(
    '',
    `${s.tenants} tenant(s), ${s.usersChecked} users checked, ${s.findings} finding(s) (${s.findingsNeedingAction} needing action), ${s.drift} drift (${s.repaired} repaired), ${s.unresolvedManagers} unresolved manager(s).`,
    s.retention === 'applied'
      ? `Retention: ${s.auditEventsPruned} audit events, ${s.eventsPruned} delivered events, ${s.scimRequestsPruned} SCIM request log entries, ${s.portalSessionsPruned} portal sessions and links pruned; ${s.deletedUsersPurged} deleted users and ${s.tenantsPurged} deleted tenants purged.`
      : 'Retention: skipped (dry run).',
  );
  return `${out.join('\n')}\n`;
}
