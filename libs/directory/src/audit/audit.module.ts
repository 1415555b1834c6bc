import { Module, forwardRef } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { AuthFailuresService } from './auth-failures.service';

@Module({
  imports: [forwardRef(() => TenantsModule)],
  controllers: [AuditController],
  providers: [AuditService, AuthFailuresService, AuditQueryService],
  exports: [AuditService, AuthFailuresService, AuditQueryService],
})
export class AuditModule {}
