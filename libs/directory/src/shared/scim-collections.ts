import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { ScimCaller } from '@roster/platform';
import { resourceTypes, type JsonObject, type ResourceType } from '@roster/scim-core';
import type { AuditContext } from '../audit/audit-context';

/** What a write answers: the resource as written (when the caller wants it back) and its version. */
export interface ResourceWritten {
  resource?: JsonObject;
  version: number;
}

/**
 * A resource type as the modules that do not own it reach it: Bulk runs its writes, the root `.search` lists
 * it, and provisioning events written by another module render it (deleting a user changes its groups, whose
 * representation only the groups module knows). Each resource module registers one when it starts.
 */
export interface ScimCollection {
  readonly type: ResourceType;
  list(caller: ScimCaller, query: Record<string, unknown>): Promise<{ total: number; projection: object; resources: JsonObject[] }>;
  create(caller: ScimCaller, data: unknown, context: AuditContext): Promise<ResourceWritten>;
  replace(caller: ScimCaller, id: string, data: unknown, ifMatch: string | undefined, context: AuditContext): Promise<ResourceWritten>;
  patch(caller: ScimCaller, id: string, data: unknown, ifMatch: string | undefined, context: AuditContext): Promise<ResourceWritten | undefined>;
  delete(caller: ScimCaller, id: string, ifMatch: string | undefined, context: AuditContext): Promise<void>;
  /** The resource as a GET answers it, read inside `em`'s transaction (null: it is gone). */
  render(em: EntityManager, tenantId: string, id: string, baseUrl: string): Promise<JsonObject | null>;
}

/** Every resource type served, by endpoint: what Bulk, the root `.search` and events dispatch through. */
@Injectable()
export class ScimCollections {
  private readonly byEndpoint = new Map<string, ScimCollection>();

  register(collection: ScimCollection): void {
    this.byEndpoint.set(collection.type.endpoint.toLowerCase(), collection);
  }

  /** In the order of the schema registry (Users, then Groups), then any other in the order registered. */
  all(): ScimCollection[] {
    const rank = (collection: ScimCollection) => {
      const index = resourceTypes.findIndex((type) => type.id === collection.type.id);
      return index < 0 ? resourceTypes.length : index;
    };
    return [...this.byEndpoint.values()].sort((a, b) => rank(a) - rank(b));
  }

  endpoints(): string[] {
    return this.all().map((collection) => collection.type.endpoint);
  }

  /** The collection a Bulk path (`/Users`, `/Groups/{id}`) names; its endpoint is matched without case. */
  forEndpoint(endpoint: string): ScimCollection {
    const collection = this.byEndpoint.get(endpoint.toLowerCase());
    if (!collection) throw new Error(`No resource type is registered at ${endpoint}`);
    return collection;
  }

  render(em: EntityManager, typeId: string, tenantId: string, id: string, baseUrl: string): Promise<JsonObject | null> {
    const collection = this.all().find((candidate) => candidate.type.id === typeId);
    if (!collection) throw new Error(`No resource type ${typeId} is registered`);
    return collection.render(em, tenantId, id, baseUrl);
  }
}
