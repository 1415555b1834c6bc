import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { AuthenticationGuard } from './authentication.guard';
import { OperatorAccess } from './operator-access';
import { PortalAccess } from './portal-access';

/**
 * Authentication is global and denies by default: every route of every module declares how it
 * authenticates (a SCIM token, the operator, a portal session, or nothing), and this module admits it.
 */
@Module({
  imports: [TokensModule, SessionsModule],
  providers: [OperatorAccess, PortalAccess, { provide: APP_GUARD, useClass: AuthenticationGuard }],
  exports: [PortalAccess],
})
export class AuthenticationModule {}
