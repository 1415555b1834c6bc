import { readFileSync, writeFileSync } from 'node:fs';
import { CONTRACT_FILE } from '@roster/platform';
import { withScimResourceSchemas } from '../contract/scim-resource-schemas';
import { parseCommand } from './command-line';

export const CONTRACT_USAGE = "contract:scim-schemas                      rewrite the contract's SCIM resource schemas from the registry (development)";

/** `npm run openapi:scim`: the contract's User, Group and extension components, regenerated from the registry. */
export async function writeScimSchemas(args: string[]): Promise<void> {
  parseCommand(args, CONTRACT_USAGE);
  writeFileSync(CONTRACT_FILE, withScimResourceSchemas(readFileSync(CONTRACT_FILE, 'utf8')));
  console.log(`${CONTRACT_FILE}: SCIM resource schemas written from the registry`);
}
