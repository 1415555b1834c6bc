import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantAuditController } from './tenant-audit.controller';
import { TenantChanges } from './tenant-changes';
import { TenantPurge } from './tenant-purge';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({
  imports: [AuditModule],
  controllers: [TenantsController, TenantAuditController],
  providers: [TenantsService, TenantChanges, TenantPurge],
  exports: [TenantsService, TenantChanges, TenantPurge],
})
export class TenantsModule {}
