import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobLogger, progressLine, summaryTable } from '../src/output';
import type { NightlyReport } from '../src/reconcile';

describe('the nightly job on a terminal', () => {
  it('draws a progress bar per tenant', () => {
    expect(progressLine({ tenant: 'acme', index: 0, tenants: 2, usersChecked: 500, users: 1000 }, 10)).toBe(
      `\r[#####.....]  50%  tenant 1/2 ${'acme'.padEnd(30)} 500/1000 users`,
    );
    expect(progressLine({ tenant: 'empty', index: 1, tenants: 2, usersChecked: 0, users: 0 }, 4)).toContain('[####] 100%');
  });

  it('ends with a summary table, the findings that need a person, and retention', () => {
    const health = {
      tenantId: 't',
      slug: 'acme',
      scimEnabled: true,
      generatedAt: new Date(),
      lastIdpRequestAt: new Date('2026-12-01T09:30:00Z'),
      counts: { users: 12, activeUsers: 10, groups: 3, deletedUsers: 0 },
      last24h: { writes: 0, failedWrites: 0, authFailures: 0 },
      tokens: { active: 1, nextExpiryAt: null },
      eventStreams: { total: 0, failing: 0, backlog: 0 },
      findings: [],
    };
    const report: NightlyReport = {
      startedAt: '',
      finishedAt: '',
      options: { repair: false, dryRun: false, tenant: null },
      maxRssBytes: 1,
      summary: {
        tenants: 1,
        usersChecked: 12,
        drift: 0,
        repaired: 0,
        unresolvedManagers: 0,
        findings: 1,
        findingsNeedingAction: 0,
        auditEventsPruned: 4,
        deletedUsersPurged: 0,
        eventsPruned: 2,
        scimRequestsPruned: 5,
        portalSessionsPruned: 1,
        tenantsPurged: 1,
        retention: 'applied',
      },
      tenants: [
        {
          tenantId: 't',
          slug: 'acme',
          usersChecked: 12,
          repaired: 0,
          health,
          findings: [{ kind: 'users-without-external-id', count: 2, detail: 'users with no externalId', examples: ['a@x', 'b@x'] }],
        },
      ],
    };
    const table = summaryTable(report);
    expect(table.split('\n').slice(0, 3)).toEqual([
      'tenant  users  active  groups  last IdP request  findings',
      '------  -----  ------  ------  ----------------  --------',
      'acme       12      10       3  2026-12-01 09:30         1',
    ]);
    expect(table).toContain('acme: users-without-external-id (2) — users with no externalId; e.g. a@x, b@x');
    expect(table).toContain(
      'Retention: 4 audit events, 2 delivered events, 5 SCIM request log entries, 1 portal sessions and links pruned; 0 deleted users and 1 deleted tenants purged.',
    );
  });
});

describe("the nightly job's output", () => {
  it('puts a log line out before the next line is written, so the summary is always the last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-job-output-'));
    const file = join(dir, 'stdout');
    const fd = openSync(file, 'w');
    try {
      const logger = jobLogger('warn', fd);
      logger.warn({ userId: 'u-1' }, 'drift');
      writeSync(fd, `${JSON.stringify({ msg: 'nightly run finished' })}\n`); // as the report lines are written
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(lines).toEqual(['drift', 'nightly run finished']);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
