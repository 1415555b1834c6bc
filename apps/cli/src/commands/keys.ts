import { SigningKeys } from '@roster/directory';
import { numberOption, parseCommand, UsageError } from './command-line';
import { withServices } from './with-services';

export const KEYS_USAGE = `keys list                                  the keys that sign provisioning events (SETs)
  keys rotate [--overlap-seconds n]          sign with a new key; older keys stay published n s (default 86400)`;

/** The keys that sign provisioning events; the same operations as /admin/v1/signing-keys. */
export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'rotate') throw new UsageError(action ? `unknown action: keys ${action}` : 'missing action', KEYS_USAGE);
  const { values } = parseCommand(rest, KEYS_USAGE, action === 'rotate' ? { 'overlap-seconds': { type: 'string' } } : {});
  await withServices(async (app) => {
    const keys = app.get(SigningKeys);
    if (action === 'rotate') {
      const key = await keys.rotate(numberOption(values['overlap-seconds']));
      console.log(`New signing key ${key.kid} (${key.algorithm}); the previous keys stay published until they retire.`);
    }
    for (const key of await keys.list()) {
      console.log(
        `${key.kid}  ${key.algorithm}  created ${key.createdAt.toISOString()}  ${key.active ? 'signing' : `published until ${key.retiresAt?.toISOString()}`}`,
      );
    }
  });
}
