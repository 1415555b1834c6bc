import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { TenantsModule } from '../tenants/tenants.module';
import { UsersModule } from '../users/users.module';
import { ReconciliationService } from './reconciliation.service';
import { TenantHealthController } from './tenant-health.controller';
import { TenantHealthRepository } from './tenant-health.repository';
import { TenantHealthService } from './tenant-health.service';

@Module({
  imports: [UsersModule, TenantsModule, EventsModule],
  controllers: [TenantHealthController],
  providers: [ReconciliationService, TenantHealthService, TenantHealthRepository],
  exports: [ReconciliationService, TenantHealthService],
})
export class ReconciliationModule {}
