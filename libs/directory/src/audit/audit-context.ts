import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuditActor } from './audit-event.entity';

/** Who is acting and on which request; passed from controllers into every write. */
export interface AuditContext {
  actor: AuditActor;
  requestId?: string;
  userAgent?: string;
}

export function auditContextOf(req: Request): AuditContext {
  const userAgent = req.get('user-agent')?.slice(0, 256);
  const session = req.portalSession;
  const actor: AuditActor = req.scimCaller
    ? { type: 'scim-token', tokenId: req.scimCaller.tokenId }
    : session
      ? { type: session.kind === 'tenant' ? 'portal-tenant' : 'portal-operator', sessionId: session.id }
      : { type: 'admin' };
  return { actor, requestId: req.requestId, userAgent };
}

export const Audit = createParamDecorator((_data: unknown, context: ExecutionContext): AuditContext =>
  auditContextOf(context.switchToHttp().getRequest<Request>()),
);
