import type { ContractDocument } from './contract-document';

const SCIM_BASE = '/scim/v2/{tenant}';

/** Where Swagger UI fetches the view (served beside /openapi.json). */
export const SCIM_VIEW_URL = '/openapi/scim.json';

interface Parameter {
  name?: string;
  in?: string;
}

const isTenantParameter = (p: unknown): boolean => (p as Parameter).name === 'tenant' && (p as Parameter).in === 'path';

/**
 * The contract's SCIM surface as one tenant's client sees it: the same operations, with the tenant moved
 * out of every path into a server variable. Swagger UI then asks for the tenant once, at the top, instead
 * of as a path parameter of every operation. Derived from the hand-written contract, never edited by hand.
 */
export function scimTenantView(contract: ContractDocument): ContractDocument {
  const paths: ContractDocument['paths'] = {};
  const usedTags = new Set<string>();
  for (const [path, item] of Object.entries(contract.paths)) {
    if (!path.startsWith(`${SCIM_BASE}/`)) continue;
    const view: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      if (key === 'parameters') {
        const kept = (value as unknown[]).filter((p) => !isTenantParameter(p));
        if (kept.length) view.parameters = kept;
        continue;
      }
      const operation = { ...(value as Record<string, unknown>) };
      if (Array.isArray(operation.parameters)) operation.parameters = operation.parameters.filter((p) => !isTenantParameter(p));
      for (const tag of (operation.tags as string[] | undefined) ?? []) usedTags.add(tag);
      view[key] = operation;
    }
    paths[path.slice(SCIM_BASE.length)] = view;
  }
  const info = contract.info as { title: string; description?: string };
  return {
    ...contract,
    info: {
      ...info,
      title: `${info.title} — SCIM 2.0 for one tenant`,
      description:
        "The SCIM endpoints an identity provider calls, under one tenant's base URL. Set `tenant` (the tenant's slug or id, as in its scimBaseUrl) once under Servers, then Authorize with that tenant's token. The admin, portal and events APIs are in the other definition (top right).",
    },
    servers: [
      {
        url: SCIM_BASE,
        description: "A tenant's SCIM base URL",
        variables: { tenant: { default: 'acme-learning', description: "The tenant's slug or id, as in its scimBaseUrl" } },
      },
    ],
    tags: ((contract.tags as { name: string }[] | undefined) ?? []).filter((tag) => usedTags.has(tag.name)),
    paths,
  };
}
