import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { ReconciliationService } from './reconciliation.service';
import { TenantHealthController } from './tenant-health.controller';
import { TenantHealthService } from './tenant-health.service';

@Module({
  imports: [UsersModule, TenantsModule],
  controllers: [TenantHealthController],
  providers: [ReconciliationService, TenantHealthService],
  exports: [ReconciliationService, TenantHealthService],
})
export class ReconciliationModule {}
