import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line that cannot be run as typed: exit code 2, with the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Strict parsing with node:util parseArgs: an unknown option or a missing value is a UsageError, never ignored. */
export function parseCommand(
  args: string[],
  usage: string,
  options: ParseArgsConfig['options'] = {},
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedCommand {
  let parsed: ParsedCommand;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals.max > 0 }) as ParsedCommand;
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError('missing argument', usage);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals.max]}`, usage);
  return parsed;
}

/** A whole number as typed ("abc" stays NaN, so the service refuses it with its own message). */
export function numberOption(value: string | boolean | undefined): number | undefined {
  return typeof value === 'string' ? Number(value) : undefined;
}
