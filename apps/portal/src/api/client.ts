import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '@roster/contract';

export type Schemas = components['schemas'];

/** A failed call, with the SCIM error's detail (every error of the API carries one). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

let csrfToken: string | undefined;

/** Remembered from GET /portal/api/v1/session: every change must carry it. */
export function rememberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The X-CSRF-Token header of a portal write (the contract requires it on each). */
export function csrfHeader(): { 'X-CSRF-Token': string } {
  return { 'X-CSRF-Token': csrfToken ?? '' };
}

// Admin API writes made with the operator's session need it too; the contract leaves it out there, since
// bearer-token callers do not send it.
const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/** The portal's API and the admin API, typed by the contract (openapi/roster.openapi.yaml). */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

/** The data of a call, or an ApiError with what the server said. */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (response.ok) return body as T;
  const detail = (error as { detail?: string } | undefined)?.detail ?? `${response.status} ${response.statusText}`;
  throw new ApiError(response.status, detail);
}
