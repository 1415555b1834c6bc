import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Caller, ScimAuthenticated, type ScimCaller } from '@roster/platform';
import { Audit, type AuditContext } from '../audit/audit-context';
import { BulkService, type BulkOperationResult } from './bulk.service';

@Controller('scim/v2/:tenant/Bulk')
@ScimAuthenticated()
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  /** RFC 7644 §3.7: 200 with a BulkResponse; each operation carries its own status. */
  @Post()
  @HttpCode(200)
  run(@Caller() caller: ScimCaller, @Body() body: unknown, @Audit() audit: AuditContext): Promise<{ schemas: string[]; Operations: BulkOperationResult[] }> {
    return this.bulk.run(caller, body, audit);
  }
}
