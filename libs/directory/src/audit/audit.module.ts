import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuthFailuresService } from './auth-failures.service';

@Module({
  providers: [AuditService, AuthFailuresService],
  exports: [AuditService, AuthFailuresService],
})
export class AuditModule {}
