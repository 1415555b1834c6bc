import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run reconcile -- [--repair] [--help]

Walks every tenant: reports users whose derived data disagrees with their document, unresolved manager
references and wrong kept counts; with --repair, rewrites the derived data. Then prunes old audit events
and purges deleted users past their retention.

  --repair   fix what can be fixed (derived columns, email rows, kept counts)
  --help     print this and exit, touching nothing

Exit codes: 0 healthy (or everything repaired), 1 findings that need a person, 2 could not run.`;

export type ReconcileArguments = { help: true } | { help: false; repair: boolean };

/** The job's command line, strictly: an unknown flag or a stray argument is an error, never ignored. */
export function parseReconcileArguments(argv: string[]): ReconcileArguments {
  const { values } = parseArgs({
    args: argv,
    options: { repair: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: false,
  });
  return values.help ? { help: true } : { help: false, repair: values.repair === true };
}
