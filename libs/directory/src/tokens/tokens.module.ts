import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimBearerStrategy } from './scim-bearer.strategy';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [PassportModule, TenantsModule, AuditModule],
  controllers: [TokensController],
  providers: [TokensService, ScimBearerStrategy, ScimAuthGuard],
  exports: [TokensService, ScimAuthGuard, TenantsModule, AuditModule],
})
export class TokensModule {}
