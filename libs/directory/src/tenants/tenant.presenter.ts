import type { Tenant } from '@roster/contract';
import type { TenantView } from './tenants.service';

/** A tenant as the admin API shows it, with the SCIM base URL to paste into the identity provider. */
export function tenantBody(tenant: TenantView, origin: string): Tenant {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    scimEnabled: tenant.scimEnabled,
    rateLimitPerSecond: tenant.rateLimitPerSecond,
    scimBaseUrl: scimBaseUrl(origin, tenant.slug),
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
    deletedAt: tenant.deletedAt?.toISOString() ?? null,
    purgeAfter: tenant.purgeAfter?.toISOString() ?? null,
  };
}

export function scimBaseUrl(origin: string, slug: string): string {
  return `${origin}/scim/v2/${slug}`;
}
