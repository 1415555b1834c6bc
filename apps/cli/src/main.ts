import '../../api/src/node-guard';
import 'reflect-metadata';
import { ScimError } from '@roster/scim-core';
import { UsageError } from './commands/command-line';
import { CONTRACT_USAGE, writeScimSchemas } from './commands/contract-schemas';
import { KEYS_USAGE, keysCommand } from './commands/keys';
import { createMigration, MIGRATION_USAGE } from './commands/migration-create';
import { TENANTS_USAGE, tenantsCommand, TOKENS_USAGE, tokensCommand } from './commands/tenants';
import { withServices } from './commands/with-services';

const COMMANDS: Record<string, { usage: string; run: (args: string[]) => Promise<void> }> = {
  tenants: { usage: TENANTS_USAGE, run: tenantsCommand },
  tokens: { usage: TOKENS_USAGE, run: tokensCommand },
  keys: { usage: KEYS_USAGE, run: keysCommand },
  migrate: {
    usage: 'migrate                                    apply pending migrations',
    run: async (args) => {
      if (args.length) throw new UsageError(`unexpected argument: ${args[0]}`, 'migrate');
      await withServices(async () => console.log('Database is up to date.'));
    },
  },
  'migration:create': { usage: MIGRATION_USAGE, run: createMigration },
  'contract:scim-schemas': { usage: CONTRACT_USAGE, run: writeScimSchemas },
};

const USAGE = `Roster CLI (npm run roster -- <command>; add --help to any command)

  ${Object.values(COMMANDS)
    .map((command) => command.usage)
    .join('\n  ')}

DATABASE_URL selects the database, as for the server.
Exit codes: 0 done, 1 refused or failed (the message says why), 2 not a valid command line.`;

// Exit codes: 0 done, 1 the command ran and failed, 2 the command line is wrong.
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}\n`);
    return 2;
  }
  // --help never touches the database.
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`Usage: npm run roster -- ${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\nUsage: npm run roster -- ${error.usage}\n`);
      return 2;
    }
    process.stderr.write(`${error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
