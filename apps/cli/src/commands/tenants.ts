import { loadConfig } from '@roster/config';
import { scimBaseUrl, TenantsService, TokensService, type AuditContext } from '@roster/directory';
import { withServices } from './with-services';

const CLI: AuditContext = { actor: { type: 'admin' }, userAgent: 'roster-cli' };

function origin(): string {
  const config = loadConfig(process.env);
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function tenantsCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  await withServices(async (app) => {
    const tenants = app.get(TenantsService);
    if (action === 'create') {
      const name = rest.filter((a, i) => !a.startsWith('--') && !rest[i - 1]?.startsWith('--')).join(' ');
      if (!name) throw new Error('usage: tenants create "<name>" [--slug <slug>]');
      const tenant = await tenants.create({ name, slug: flag(rest, 'slug') }, CLI);
      const issued = await app.get(TokensService).issue(tenant.id, { description: 'issued by the CLI with the tenant' }, CLI);
      console.log(`Tenant created: ${tenant.name} (${tenant.id})`);
      console.log(`SCIM base URL:  ${scimBaseUrl(origin(), tenant.slug)}`);
      console.log(`Bearer token:   ${issued.token}`);
      console.log('The token is shown once and stored only as a hash. Paste both into your identity provider.');
    } else if (action === 'list') {
      for (const t of await tenants.list()) {
        console.log(`${t.id}  ${t.slug.padEnd(24)} ${t.scimEnabled ? 'enabled ' : 'disabled'}  ${scimBaseUrl(origin(), t.slug)}  ${t.name}`);
      }
    } else {
      throw new Error('usage: tenants create "<name>" [--slug <slug>] | tenants list');
    }
  });
}

export async function tokensCommand(args: string[]): Promise<void> {
  const [action, tenantKey, ...rest] = args;
  await withServices(async (app) => {
    const tenant = tenantKey ? await app.get(TenantsService).findByKey(tenantKey) : undefined;
    if (!tenant) throw new Error(`usage: tokens issue|list|revoke <tenant slug or id> …${tenantKey ? ` (no tenant "${tenantKey}")` : ''}`);
    const tokens = app.get(TokensService);
    if (action === 'issue') {
      const days = flag(rest, 'expires-in-days');
      const overlap = flag(rest, 'overlap-seconds');
      const issued = await tokens.issue(
        tenant.id,
        // Numbers as typed ("abc" stays NaN): the service refuses what is not a whole number in range.
        { scope: flag(rest, 'scope') as 'provision' | 'read' | undefined, description: flag(rest, 'description'), expiresInDays: days !== undefined ? Number(days) : undefined, revokeOthersAfterSeconds: overlap !== undefined ? Number(overlap) : undefined },
        CLI,
      );
      console.log(`SCIM base URL: ${scimBaseUrl(origin(), tenant.slug)}`);
      console.log(`Bearer token:  ${issued.token}`);
      console.log(`Scope:         ${issued.scope}${issued.scope === 'read' ? ' (GET and .search only)' : ''}`);
      console.log(overlap ? `Earlier ${issued.scope} tokens stop working in ${overlap} s.` : `Earlier ${issued.scope} tokens of this tenant no longer work.`);
    } else if (action === 'list') {
      for (const t of await tokens.list(tenant.id)) {
        const now = new Date();
        const state = t.revokedAt && t.revokedAt <= now ? `revoked ${t.revokedAt.toISOString()}` : t.expiresAt && t.expiresAt <= now ? `expired ${t.expiresAt.toISOString()}` : 'active';
        console.log(`${t.id}  ${t.prefix}…  ${t.scope.padEnd(9)}  created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? 'never'}  ${state}`);
      }
    } else if (action === 'revoke') {
      const id = rest[0];
      if (!id) throw new Error('usage: tokens revoke <tenant> <tokenId>');
      await tokens.revoke(tenant.id, id, CLI);
      console.log(`Token ${id} revoked.`);
    } else {
      throw new Error('usage: tokens issue|list|revoke <tenant> …');
    }
  });
}
