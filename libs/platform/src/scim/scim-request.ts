import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling a tenant's SCIM base URL, established by the SCIM auth guard. */
export interface ScimCaller {
  tenantId: string;
  tokenId: string;
  /** `read` tokens (the host application's) may only read: GET and POST …/.search. */
  scope: 'provision' | 'read';
  /** Whether the tenant had event streams when the token was checked (at most a second ago). */
  eventStreams: boolean;
  /** Absolute SCIM base URL of this tenant, without trailing slash. */
  baseUrl: string;
  /** The tenant's SCIM requests per second (its own rate, or the deployment's default). */
  ratePerSecond: number;
}

/** What authentication learned about a SCIM request it refused: the tenant it named, and why it was refused. */
export interface ScimAttempt {
  tenantId?: string;
  authFailure?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    scimCaller?: ScimCaller;
    scimAttempt?: ScimAttempt;
  }
}

export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ScimCaller => {
  const caller = context.switchToHttp().getRequest<Request>().scimCaller;
  if (!caller) throw new Error('Caller used on a route without the SCIM auth guard');
  return caller;
});
