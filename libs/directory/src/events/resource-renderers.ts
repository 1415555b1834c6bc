import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { JsonObject } from '@roster/scim-core';

export type ResourceRenderer = (em: EntityManager, tenantId: string, id: string, baseUrl: string) => Promise<JsonObject | null>;

/**
 * How a module renders its resources for an event written by another module: deleting a user changes
 * its groups, whose representation only the groups module knows (and users must not depend on groups).
 */
@Injectable()
export class ResourceRenderers {
  private readonly renderers = new Map<string, ResourceRenderer>();

  register(type: 'User' | 'Group', renderer: ResourceRenderer): void {
    this.renderers.set(type, renderer);
  }

  render(em: EntityManager, type: 'User' | 'Group', tenantId: string, id: string, baseUrl: string): Promise<JsonObject | null> {
    const renderer = this.renderers.get(type);
    if (!renderer) throw new Error(`No renderer registered for ${type}`);
    return renderer(em, tenantId, id, baseUrl);
  }
}
