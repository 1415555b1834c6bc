import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AUTH_KIND, type AuthKind } from '@roster/platform';
import { ScimError } from '@roster/scim-core';
import { ScimAuthGuard } from '../tokens/scim-auth.guard';
import { OperatorAccess } from './operator-access';
import { PortalAccess } from './portal-access';

/** The one global guard: each route declares how it authenticates; a route that declares nothing is closed. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly logger = new Logger(AuthenticationGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly scim: ScimAuthGuard,
    private readonly operator: OperatorAccess,
    private readonly portal: PortalAccess,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<Request>();
    switch (kind) {
      case 'public':
        return true;
      case 'scim':
        return this.scim.canActivate(context);
      case 'admin':
        return this.operator.admit(req);
      case 'portal':
        return this.portal.admit(req);
      default:
        this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no authentication; it stays closed`);
        throw ScimError.unauthorized('Authentication required');
    }
  }
}
