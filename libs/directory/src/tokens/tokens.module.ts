import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminGuard } from '@roster/platform';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { AuthenticationGuard } from './authentication.guard';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimBearerStrategy } from './scim-bearer.strategy';
import { ScimRateLimiter } from './scim-rate-limiter';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TenantsModule, AuditModule],
  controllers: [TokensController],
  // Authentication is global (deny by default): every route of every module declares how it authenticates.
  providers: [TokensService, ScimBearerStrategy, ScimAuthGuard, ScimRateLimiter, AdminGuard, { provide: APP_GUARD, useClass: AuthenticationGuard }],
  exports: [TokensService, ScimAuthGuard, ScimRateLimiter, TenantsModule, AuditModule],
})
export class TokensModule {}
