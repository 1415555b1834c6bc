import type { Response } from 'express';
import { etagOf } from '@roster/platform';
import { parseProjection, projectResource, ScimError, type JsonObject, type ResourceType } from '@roster/scim-core';

/** A single resource on the wire: ETag header, then the attributes/excludedAttributes projection. */
export function presentResource<T>(type: ResourceType, result: { resource: JsonObject; version: number }, query: Record<string, unknown>, res: Response): T {
  res.setHeader('ETag', etagOf(result.version));
  return projectResource(type, result.resource, parseProjection(query)) as T;
}

export function setLocation(res: Response, resource: JsonObject): void {
  res.setHeader('Location', String((resource.meta as { location: string }).location));
}

/** RFC 7644 §3.5.1: an `id` in a PUT body is a readOnly echo — ignored when it matches the path, refused otherwise. */
export function assertBodyIdMatches(body: unknown, id: string): void {
  const sent = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).id : undefined;
  if (typeof sent === 'string' && sent.toLowerCase() !== id) {
    throw ScimError.mutability('"id" in the body does not match the resource id in the path');
  }
}
