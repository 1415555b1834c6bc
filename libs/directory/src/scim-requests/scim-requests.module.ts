import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ScimRequestLog } from './scim-request-log';
import { ScimRequestsController } from './scim-requests.controller';
import { ScimRequestsRepository } from './scim-requests.repository';
import { ScimRequestsService } from './scim-requests.service';

/** The SCIM request log: every request a tenant's base URL received and what Roster answered. */
@Module({
  imports: [TenantsModule, AuditModule],
  controllers: [ScimRequestsController],
  providers: [ScimRequestLog, ScimRequestsRepository, ScimRequestsService],
  exports: [ScimRequestLog, ScimRequestsService],
})
export class ScimRequestsModule {}
