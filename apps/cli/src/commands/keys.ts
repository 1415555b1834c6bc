import { SigningKeys } from '@roster/directory';
import { withServices } from './with-services';

const USAGE = 'usage: keys list | keys rotate [--overlap-seconds n]';

/** The keys that sign provisioning events (SETs); the same operations as /admin/v1/signing-keys. */
export async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'rotate') throw new Error(USAGE);
  const i = rest.indexOf('--overlap-seconds');
  if ((i < 0 && rest.length) || (i >= 0 && rest.length !== 2)) throw new Error(USAGE);
  await withServices(async (app) => {
    const keys = app.get(SigningKeys);
    if (action === 'rotate') {
      const key = await keys.rotate(i >= 0 ? Number(rest[i + 1]) : undefined);
      console.log(`New signing key ${key.kid} (${key.algorithm}); the previous keys stay published until they retire.`);
    }
    for (const key of await keys.list()) {
      console.log(`${key.kid}  ${key.algorithm}  created ${key.createdAt.toISOString()}  ${key.active ? 'signing' : `published until ${key.retiresAt?.toISOString()}`}`);
    }
  });
}
