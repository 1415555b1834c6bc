import { SetMetadata } from '@nestjs/common';

/**
 * How a route authenticates. Authentication is global and denies by default: a controller or handler
 * must declare one of these, and a route that declares none answers 401 to everyone.
 */
export type AuthKind = 'scim' | 'admin' | 'portal' | 'public';

export const AUTH_KIND = 'roster:auth-kind';

/** A tenant's SCIM token (`/scim/v2/{tenant}/…`). */
export const ScimAuthenticated = () => SetMetadata(AUTH_KIND, 'scim' satisfies AuthKind);
/** The operator: ROSTER_ADMIN_TOKEN, or an operator's portal session with its CSRF token on writes (`/admin/v1/…`). */
export const AdminAuthenticated = () => SetMetadata(AUTH_KIND, 'admin' satisfies AuthKind);
/** A portal session (cookie), tenant or operator, with its CSRF token on writes (`/portal/api/v1/…`). */
export const PortalAuthenticated = () => SetMetadata(AUTH_KIND, 'portal' satisfies AuthKind);
/** No credentials (health checks). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);
