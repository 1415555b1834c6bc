import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimBearerStrategy } from './scim-bearer.strategy';
import { ScimRateLimiter } from './scim-rate-limiter';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [TenantsModule, AuditModule],
  controllers: [TokensController],
  providers: [TokensService, ScimBearerStrategy, ScimAuthGuard, ScimRateLimiter],
  exports: [TokensService, ScimAuthGuard, ScimRateLimiter, TenantsModule, AuditModule],
})
export class TokensModule {}
