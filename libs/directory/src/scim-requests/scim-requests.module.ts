import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { ScimRequestLog } from './scim-request-log';
import { ScimRequestsController } from './scim-requests.controller';
import { ScimRequestsService } from './scim-requests.service';

/** The SCIM request log: every request a tenant's base URL received and what Roster answered. */
@Module({
  imports: [TenantsModule],
  controllers: [ScimRequestsController],
  providers: [ScimRequestLog, ScimRequestsService],
  exports: [ScimRequestLog, ScimRequestsService],
})
export class ScimRequestsModule {}
