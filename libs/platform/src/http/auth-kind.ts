import { SetMetadata } from '@nestjs/common';

/**
 * How a route authenticates. Authentication is global and denies by default: a controller or handler
 * must declare one of these, and a route that declares none answers 401 to everyone.
 */
export type AuthKind = 'scim' | 'admin' | 'public';

export const AUTH_KIND = 'roster:auth-kind';

/** A tenant's SCIM token (`/scim/v2/{tenant}/…`). */
export const ScimAuthenticated = () => SetMetadata(AUTH_KIND, 'scim' satisfies AuthKind);
/** The operator's ROSTER_ADMIN_TOKEN (`/admin/v1/…`). */
export const AdminAuthenticated = () => SetMetadata(AUTH_KIND, 'admin' satisfies AuthKind);
/** No credentials (health checks). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);
