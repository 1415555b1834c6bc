import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import type { ResourceTypeBody, ResourceTypeListResponse, SchemaBody, SchemaListResponse, ServiceProviderConfig } from '@roster/contract';
import { Caller, ScimAuthenticated, type ScimCaller } from '@roster/platform';
import { ScimError, ScimLimits, toListResponse } from '@roster/scim-core';
import { ScimRateLimiter } from '../tokens/scim-rate-limiter';
import { resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from './discovery.documents';

@Controller('scim/v2/:tenant')
@ScimAuthenticated()
export class DiscoveryController {
  constructor(
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
    private readonly limiter: ScimRateLimiter,
  ) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Caller() caller: ScimCaller): ServiceProviderConfig {
    const origin = new URL(caller.baseUrl).origin;
    return serviceProviderConfig(
      caller.baseUrl,
      {
        ...this.config.scim,
        maxPayloadSize: this.config.bodyLimitBytes,
        maxBulkOperations: this.limiter.bulkOperationsFor(caller.ratePerSecond, ScimLimits.maxBulkOperations),
      },
      `${origin}/docs`,
    ) as unknown as ServiceProviderConfig;
  }

  @Get('ResourceTypes')
  resourceTypes(@Caller() caller: ScimCaller): ResourceTypeListResponse {
    const documents = resourceTypeDocuments(caller.baseUrl) as ResourceTypeBody[];
    return toListResponse(documents, { totalResults: documents.length, startIndex: 1 });
  }

  @Get('ResourceTypes/:id')
  resourceType(@Caller() caller: ScimCaller, @Param('id') id: string): ResourceTypeBody {
    const found = resourceTypeDocuments(caller.baseUrl).find((d) => String(d.id).toLowerCase() === id.toLowerCase());
    if (!found) throw ScimError.notFound(`Resource type ${id} not found`);
    return found as unknown as ResourceTypeBody;
  }

  @Get('Schemas')
  schemas(@Caller() caller: ScimCaller): SchemaListResponse {
    const documents = schemaDocuments(caller.baseUrl) as SchemaBody[];
    return toListResponse(documents, { totalResults: documents.length, startIndex: 1 });
  }

  @Get('Schemas/:id')
  schema(@Caller() caller: ScimCaller, @Param('id') id: string): SchemaBody {
    const found = schemaDocuments(caller.baseUrl).find((d) => String(d.id).toLowerCase() === id.toLowerCase());
    if (!found) throw ScimError.notFound(`Schema ${id} not found`);
    return found as unknown as SchemaBody;
  }
}
