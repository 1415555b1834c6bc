import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run reconcile -- [--tenant <slug or id>] [--repair | --dry-run] [--json <file>] [--help]

The nightly provisioning-health report. For every tenant (or one): users without externalId, active
users no IdP request has changed for 90 days, unresolved manager references, tokens expiring within 14
days, an IdP silent for 7 days, authentication failures in the last 24 h, failing or backed-up event
streams, and internal drift (a user's document against its derived columns and email rows, kept counts).
Then retention: old audit events, delivered provisioning events, users deleted past their retention.

  --tenant <slug or id>  report on this tenant only
  --repair               fix internal drift (derived columns, email rows, kept counts)
  --dry-run              change nothing: no repair, no retention
  --json <file>          also write the full report to this file as JSON
  --help                 print this and exit, touching nothing

On a terminal it shows a progress bar per tenant and a summary table; otherwise it writes JSON lines.
Only one run at a time (a PostgreSQL advisory lock, or a lock file beside the SQLite database).

Findings that need an operator (marked ! in the table) make the exit code 1: unrepaired drift, tokens
expiring, an IdP silent, authentication failures, failing or backed-up event streams. The others (users
without externalId, untouched users, managers not provisioned yet) are reported and leave it 0.
Exit codes: 0 nothing needs action, 1 findings that need an operator, 2 could not run.`;

export type ReconcileArguments = { help: true } | { help: false; repair: boolean; dryRun: boolean; tenant?: string; json?: string };

/** The job's command line, strictly: an unknown flag or a stray argument is an error, never ignored. */
export function parseReconcileArguments(argv: string[]): ReconcileArguments {
  const { values } = parseArgs({
    args: argv,
    options: {
      repair: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      tenant: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (values.repair && values['dry-run']) throw new Error('--repair and --dry-run cannot be combined');
  if (values.tenant !== undefined && !values.tenant.trim()) throw new Error('--tenant needs a tenant slug or id');
  if (values.json !== undefined && !values.json.trim()) throw new Error('--json needs a file name');
  return { help: false, repair: values.repair === true, dryRun: values['dry-run'] === true, tenant: values.tenant, json: values.json };
}
