import '../../api/src/node-guard';
import 'reflect-metadata';
import { ScimError } from '@roster/scim-core';
import { keysCommand } from './commands/keys';
import { createMigration } from './commands/migration-create';
import { tenantsCommand, tokensCommand } from './commands/tenants';
import { withServices } from './commands/with-services';

const USAGE = `Roster CLI (npm run roster -- <command>)

  tenants create "<name>" [--slug <slug>]   create a tenant and issue its first SCIM token
  tenants list
  tokens issue <tenant> [--scope provision|read] [--description d] [--expires-in-days n] [--overlap-seconds n]
  tokens list <tenant>
  tokens revoke <tenant> <tokenId>
  keys list                                  the keys that sign provisioning events
  keys rotate [--overlap-seconds n]          sign with a new key; older keys stay published n s (default 86400)
  migrate                                    apply pending migrations
  migration:create <sqlite|postgresql> <name>

DATABASE_URL selects the database, as for the server.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'tenants':
      return tenantsCommand(args);
    case 'tokens':
      return tokensCommand(args);
    case 'keys':
      return keysCommand(args);
    case 'migrate':
      return withServices(async () => console.log('Database is up to date.'));
    case 'migration:create':
      return createMigration(args);
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ScimError ? error.detail : error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
