import { loadConfig } from '@roster/config';
import { scimBaseUrl, TenantOnboarding, TenantPurge, TenantsService, TokensService, type AuditContext } from '@roster/directory';
import { numberOption, parseCommand, UsageError } from './command-line';
import { withServices } from './with-services';

const CLI: AuditContext = { actor: { type: 'admin' }, userAgent: 'roster-cli' };

export const TENANTS_USAGE = `tenants create "<name>" [--slug <slug>]   create a tenant and issue its first SCIM token
  tenants list                               every tenant with its SCIM base URL (deleted ones marked)
  tenants delete <tenant> [--now]            stop the tenant at once; its data is purged after the retention
                                             (ROSTER_DELETED_TENANT_RETENTION_DAYS), or right now with --now
  tenants restore <tenant>                   undo a deletion whose purge has not begun`;
export const TOKENS_USAGE = `tokens issue <tenant> [--scope provision|read] [--description d] [--expires-in-days n] [--overlap-seconds n]
                                             issue a token; earlier tokens of its scope stop working (after the overlap)
  tokens list <tenant>                       the tenant's tokens (never the secrets)
  tokens revoke <tenant> <tokenId>`;

function origin(): string {
  const config = loadConfig(process.env);
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

export async function tenantsCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'create') {
    const { values, positionals } = parseCommand(rest, TENANTS_USAGE, { slug: { type: 'string' } }, { min: 1, max: 20 });
    await withServices(async (app) => {
      const { tenant, token: issued } = await app.get(TenantOnboarding).create({ name: positionals.join(' '), slug: values.slug as string | undefined }, CLI);
      console.log(`Tenant created: ${tenant.name} (${tenant.id})`);
      console.log(`SCIM base URL:  ${scimBaseUrl(origin(), tenant.slug)}`);
      console.log(`Bearer token:   ${issued.token}`);
      console.log('The token is shown once and stored only as a hash. Paste both into your identity provider.');
    });
  } else if (action === 'list') {
    parseCommand(rest, TENANTS_USAGE);
    await withServices(async (app) => {
      for (const t of await app.get(TenantsService).list({ includeDeleted: true })) {
        const state = t.deletedAt ? `deleted, purged after ${t.purgeAfter?.toISOString()}` : t.scimEnabled ? 'enabled ' : 'disabled';
        console.log(`${t.id}  ${t.slug.padEnd(24)} ${state}  ${scimBaseUrl(origin(), t.slug)}  ${t.name}`);
      }
    });
  } else if (action === 'delete') {
    const { values, positionals } = parseCommand(rest, TENANTS_USAGE, { now: { type: 'boolean' } }, { min: 1, max: 1 });
    await withServices(async (app) => {
      const tenant = await app.get(TenantsService).delete(positionals[0], { purgeNow: values.now === true }, CLI);
      console.log(`Tenant deleted: ${tenant.name} (${tenant.slug}); it answers nothing from now on.`);
      if (!values.now) {
        console.log(`Its data is purged by the nightly job after ${tenant.purgeAfter?.toISOString()}; until then: tenants restore ${tenant.slug}`);
        return;
      }
      const removed = await app.get(TenantPurge).purge(tenant.id);
      const rows = Object.values(removed ?? {}).reduce((sum, n) => sum + n, 0);
      console.log(
        `Purged: ${rows} rows removed${
          removed
            ? ` (${Object.entries(removed)
                .filter(([, n]) => n > 0)
                .map(([table, n]) => `${table} ${n}`)
                .join(', ')})`
            : ''
        }.`,
      );
    });
  } else if (action === 'restore') {
    const { positionals } = parseCommand(rest, TENANTS_USAGE, {}, { min: 1, max: 1 });
    await withServices(async (app) => {
      const tenant = await app.get(TenantsService).restore(positionals[0], CLI);
      console.log(`Tenant restored: ${tenant.name} (${tenant.slug}) at ${scimBaseUrl(origin(), tenant.slug)}`);
    });
  } else {
    throw new UsageError(action ? `unknown action: tenants ${action}` : 'missing action', TENANTS_USAGE);
  }
}

export async function tokensCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const parsed =
    action === 'issue'
      ? parseCommand(
          rest,
          TOKENS_USAGE,
          { scope: { type: 'string' }, description: { type: 'string' }, 'expires-in-days': { type: 'string' }, 'overlap-seconds': { type: 'string' } },
          { min: 1, max: 1 },
        )
      : action === 'list'
        ? parseCommand(rest, TOKENS_USAGE, {}, { min: 1, max: 1 })
        : action === 'revoke'
          ? parseCommand(rest, TOKENS_USAGE, {}, { min: 2, max: 2 })
          : undefined;
  if (!parsed) throw new UsageError(action ? `unknown action: tokens ${action}` : 'missing action', TOKENS_USAGE);
  const [tenantKey, tokenId] = parsed.positionals;
  await withServices(async (app) => {
    const tenant = await app.get(TenantsService).findByKey(tenantKey);
    if (!tenant) throw new Error(`no tenant "${tenantKey}"`);
    const tokens = app.get(TokensService);
    if (action === 'issue') {
      const { values } = parsed;
      const overlap = numberOption(values['overlap-seconds']);
      const issued = await tokens.issue(
        tenant.id,
        {
          scope: values.scope as 'provision' | 'read' | undefined,
          description: values.description as string | undefined,
          expiresInDays: numberOption(values['expires-in-days']),
          revokeOthersAfterSeconds: overlap,
        },
        CLI,
      );
      console.log(`SCIM base URL: ${scimBaseUrl(origin(), tenant.slug)}`);
      console.log(`Bearer token:  ${issued.token}`);
      console.log(`Scope:         ${issued.scope}${issued.scope === 'read' ? ' (GET and .search only)' : ''}`);
      console.log(overlap ? `Earlier ${issued.scope} tokens stop working in ${overlap} s.` : `Earlier ${issued.scope} tokens of this tenant no longer work.`);
    } else if (action === 'list') {
      const now = new Date();
      for (const t of await tokens.list(tenant.id)) {
        const state =
          t.revokedAt && t.revokedAt <= now
            ? `revoked ${t.revokedAt.toISOString()}`
            : t.expiresAt && t.expiresAt <= now
              ? `expired ${t.expiresAt.toISOString()}`
              : 'active';
        console.log(
          `${t.id}  ${t.prefix}…  ${t.scope.padEnd(9)}  created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? 'never'}  ${state}`,
        );
      }
    } else {
      await tokens.revoke(tenant.id, tokenId, CLI);
      console.log(`Token ${tokenId} revoked.`);
    }
  });
}
