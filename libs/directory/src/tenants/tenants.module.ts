import { Module, forwardRef } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsController } from './tenants.controller';
import { TenantChanges } from './tenant-changes';
import { TenantsService } from './tenants.service';

@Module({
  imports: [forwardRef(() => AuditModule)],
  controllers: [TenantsController],
  providers: [TenantsService, TenantChanges],
  exports: [TenantsService, TenantChanges],
})
export class TenantsModule {}
