import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

export type PortalTenant = NonNullable<Schemas['PortalSession']['tenant']>;

/**
 * Which tenant the tenant pages are about, and where their links go: a customer's session sees its own
 * tenant at /portal/<page>; the operator opens one at /portal/tenants/<id>/<page>, and every portal API
 * call then names it (`tenantId`).
 */
export interface TenantScope {
  tenant: PortalTenant;
  /** The operator's `tenantId` query parameter, or nothing for a customer's session. */
  query: { tenantId?: string };
  /** The route prefix of this tenant's pages: "" or "tenants/<id>/". */
  prefix: string;
  operator: boolean;
}

export const TenantScopeContext = createContext<TenantScope | undefined>(undefined);

export function useTenantScope(): TenantScope {
  const scope = useContext(TenantScopeContext);
  if (!scope) throw new Error('useTenantScope outside a tenant page');
  return scope;
}
