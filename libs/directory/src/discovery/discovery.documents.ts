import { allSchemas, resourceTypes, Urn, type AttributeDefinition, type JsonObject, type ListQueryLimits, type SchemaDefinition } from '@roster/scim-core';
import { CURSOR_TIMEOUT_SECONDS } from '../shared/list-cursors';

// RFC 7644 §4 documents, rendered from the schema registry: adding an attribute there shows it here.

export function serviceProviderConfig(
  baseUrl: string,
  limits: ListQueryLimits & { maxPayloadSize: number; maxBulkOperations: number },
  documentationUri: string,
): JsonObject {
  return {
    schemas: [Urn.ServiceProviderConfig],
    documentationUri,
    patch: { supported: true },
    bulk: { supported: true, maxOperations: limits.maxBulkOperations, maxPayloadSize: limits.maxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    // RFC 9865: both paging methods; index stays the default (what Okta and Entra use).
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: limits.defaultCount,
      maxPageSize: limits.maxResults,
      cursorTimeout: CURSOR_TIMEOUT_SECONDS,
    },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A per-tenant token issued by Roster, sent as "Authorization: Bearer <token>" (or the bare token).',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDocuments(baseUrl: string): JsonObject[] {
  return resourceTypes.map((type) => ({
    schemas: [Urn.ResourceType],
    id: type.id,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    ...(type.extensions.length ? { schemaExtensions: type.extensions.map((e) => ({ schema: e.schema.id, required: e.required })) } : {}),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.id}` },
  }));
}

export function schemaDocuments(baseUrl: string): JsonObject[] {
  return allSchemas().map((schema: SchemaDefinition) => ({
    schemas: [Urn.Schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(renderAttribute),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  }));
}

function renderAttribute(def: AttributeDefinition): JsonObject {
  const out: JsonObject = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
  };
  if (def.canonicalValues) out.canonicalValues = def.canonicalValues;
  if (def.referenceTypes) out.referenceTypes = def.referenceTypes;
  if (def.subAttributes) out.subAttributes = def.subAttributes.map(renderAttribute);
  return out;
}
