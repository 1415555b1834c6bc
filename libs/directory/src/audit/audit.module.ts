import { Module } from '@nestjs/common';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { AuthFailureCountersRepository } from './auth-failure-counters.repository';
import { AuthFailuresService } from './auth-failures.service';
import { DeploymentAuditController } from './deployment-audit.controller';

@Module({
  controllers: [DeploymentAuditController],
  providers: [AuditService, AuthFailuresService, AuthFailureCountersRepository, AuditQueryService],
  exports: [AuditService, AuthFailuresService, AuditQueryService],
})
export class AuditModule {}
