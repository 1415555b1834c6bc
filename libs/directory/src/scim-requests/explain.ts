/** A logged SCIM request, as far as explaining it goes. */
export interface LoggedRequest {
  method: string;
  /** Below the tenant's base URL, with the query: `/Users?filter=…`. */
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
  userAgent: string | null;
  authFailure: string | null;
}

export type IdentityProvider = 'okta' | 'entra' | 'onelogin' | 'jumpcloud';

export interface Explanation {
  /** What went wrong, in the customer's IT admin's words. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMES: Record<IdentityProvider, string> = { okta: 'Okta', entra: 'Microsoft Entra ID', onelogin: 'OneLogin', jumpcloud: 'JumpCloud' };

/**
 * Which identity provider sent a request, when it says so: Okta and OneLogin name themselves in the user
 * agent, Entra ID's RFC-compliant mode marks the URL (`aadOptscim062020`) and its agent names Azure; others
 * stay unnamed. (Only a label: nothing is decided on it.)
 */
export function identityProviderOf(request: Pick<LoggedRequest, 'userAgent' | 'path'>): IdentityProvider | null {
  const agent = request.userAgent ?? '';
  if (/okta/i.test(agent)) return 'okta';
  if (/aadOptscim062020/i.test(request.path) || /azure|microsoft|aad/i.test(agent)) return 'entra';
  if (/onelogin/i.test(agent)) return 'onelogin';
  if (/jumpcloud/i.test(agent)) return 'jumpcloud';
  return null;
}

export function identityProviderName(provider: IdentityProvider | null): string {
  return provider ? NAMES[provider] : 'Your identity provider';
}

/** What the request was, in a few words ("a connection test", "a new learner", "a lookup of ada@…"). */
export function describeRequest(request: LoggedRequest): string {
  const [pathname, query = ''] = request.path.split('?');
  const params = new URLSearchParams(query);
  const filter = [...params.entries()].find(([key]) => key.toLowerCase() === 'filter')?.[1];
  const segments = pathname.split('/').filter(Boolean);
  const resource = segments[0]?.toLowerCase();
  const one = segments.length > 1;
  const noun = resource === 'groups' ? 'group' : 'learner';
  const method = request.method.toUpperCase();
  if (resource === 'users' || resource === 'groups') {
    if (method === 'GET' && !one) {
      const looked = filter && /^\s*[\w.:]+\s+eq\s+"(.*)"\s*$/i.exec(filter)?.[1];
      if (looked !== undefined && looked !== null && GUID.test(looked)) return 'a connection test (a lookup of a random id, as Entra ID tests)';
      if (!filter) return `a connection test (a list of ${noun}s)`;
      if (looked) return `a lookup of ${noun} "${looked.slice(0, 120)}"`;
      return `a search of ${noun}s`;
    }
    if (method === 'GET') return `a read of a ${noun}`;
    if (method === 'POST' && !one) return `a new ${noun}`;
    if (method === 'PUT') return `a ${noun} replaced`;
    if (method === 'PATCH') return resource === 'groups' ? "a change to a group's name or members" : "a change to a learner's profile or status";
    if (method === 'DELETE') return `a ${noun} deleted`;
  }
  if (resource === 'bulk') return 'a Bulk request';
  if (resource === 'serviceproviderconfig' || resource === 'schemas' || resource === 'resourcetypes') return 'a read of what Roster supports';
  return `${method} ${pathname}`;
}

/** Why a refused request was refused and how to fix it; undefined for a request that succeeded. */
export function explainRequest(request: LoggedRequest, productName: string): Explanation | undefined {
  if (request.status < 400) return undefined;
  const said = request.detail ? `Roster answered: "${request.detail}".` : '';
  switch (request.status) {
    case 401:
      return explainUnauthorised(request.authFailure);
    case 403:
      if (request.authFailure === 'SCIM disabled for tenant')
        return { problem: 'SCIM provisioning is switched off for this tenant.', fix: `Ask ${productName} support to switch it back on.` };
      return {
        problem: 'A read-only token was used to change the directory.',
        fix: 'Read-only tokens belong to the host application. Paste the provisioning token (generate one on the Token page) into your identity provider.',
      };
    case 404:
      if (request.detail?.startsWith('No endpoint at'))
        return {
          problem: 'The URL does not name a SCIM endpoint of Roster.',
          fix: 'The SCIM base URL must be exactly the one on the setup page, ending in /scim/v2/<your tenant> with nothing after it: your identity provider adds /Users and /Groups itself. Look for typos, spaces and a missing or extra path segment.',
        };
      return {
        problem: `The ${/\/groups/i.test(request.path) ? 'group' : 'learner'} it named does not exist (any more) in ${productName}.`,
        fix: 'Nothing to do if it was deleted on purpose. Otherwise unassign and reassign the user or group in your identity provider, which creates it again.',
      };
    case 409:
      if (request.scimType === 'uniqueness')
        return {
          problem: 'A learner (or group) with the same userName or email already exists.',
          fix:
            'Usually the learner was created before provisioning was enabled, so your identity provider has no link to it. In Okta, unassign the user from the app and assign again; in Entra ID, check that userName is the matching attribute in the mappings. ' +
            said,
        };
      return { problem: 'The learner or group changed at the same moment.', fix: 'Nothing to do: identity providers retry such requests on their own.' };
    case 413:
      return { problem: 'The request was larger than Roster takes.', fix: `${said} Map fewer or shorter values to this attribute.` };
    case 429:
      if (request.authFailure)
        return {
          problem: 'Refused after repeated wrong tokens from the same place.',
          fix: 'Fix the token in your identity provider (see the 401 requests above); requests are let through again within a minute.',
        };
      return {
        problem: "Your identity provider sent more requests than this tenant's rate allows.",
        fix: 'Nothing to do: identity providers wait (Retry-After) and send them again.',
      };
    default:
      if (request.status >= 500)
        return {
          problem: `${productName} could not answer this request.`,
          fix: 'Your identity provider retries it. If it keeps failing, contact support with the request id.',
        };
      return {
        problem: 'Roster refused a value your identity provider sent.',
        fix: `${said} Check the attribute mapping for the attribute it names (the Attributes page lists what Roster reads).`,
      };
  }
}

function explainUnauthorised(reason: string | null): Explanation {
  switch (reason) {
    case 'missing Authorization header':
      return {
        problem: 'The request carried no token.',
        fix: 'In Okta choose "HTTP Header" as the authentication mode and paste the token into Authorization; in Entra ID paste it into Secret Token.',
      };
    case 'Basic authentication without a token':
      return {
        problem: 'Basic authentication was sent without a password.',
        fix: 'Use HTTP Header (bearer) authentication, or put the token in the password field.',
      };
    case 'revoked token':
      return {
        problem: 'A token that has been replaced or revoked was refused.',
        fix: 'Paste the newest token into your identity provider: generating a token ends the earlier ones (after the overlap you chose).',
      };
    case 'expired token':
      return { problem: 'An expired token was refused.', fix: 'Generate a new token on the Token page and paste it into your identity provider.' };
    case "another tenant's token":
      return {
        problem: "A token of another tenant was sent to this tenant's URL.",
        fix: 'The SCIM base URL and the token must come from the same setup page: copy both again from this one.',
      };
    default:
      return {
        problem: "A request with a token that is not this tenant's current token was refused.",
        fix: 'Paste the token again: generate one on the Token page (it is shown once) and copy it whole, with or without "Bearer ".',
      };
  }
}
