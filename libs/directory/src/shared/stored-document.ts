import { ScimError, ScimLimits, type ResourceDocument } from '@roster/scim-core';

/** A resource's document as it is written to the database, and its size there in bytes. */
export interface StoredDocument {
  json: string;
  bytes: number;
}

/**
 * Serialises a document for storage, once, and refuses it (413, before any write) when it would take more
 * than ScimLimits.maxResourceBytes. Its size is kept beside it (document_bytes), so that pages and caches can
 * be bounded in bytes without reading documents.
 */
export function storedDocument(document: ResourceDocument, resourceType: string): StoredDocument {
  const json = JSON.stringify(document);
  const bytes = Buffer.byteLength(json);
  if (bytes > ScimLimits.maxResourceBytes) {
    throw ScimError.payloadTooLarge(
      `This ${resourceType} would take ${bytes.toLocaleString('en-US')} bytes stored; a resource may take at most ${ScimLimits.maxResourceBytes.toLocaleString('en-US')} (send fewer or shorter values)`,
    );
  }
  return { json, bytes };
}

/** What one page may carry per resource on top of its stored document (id, meta, schemas as rendered). */
export const RENDERING_OVERHEAD_BYTES = 512;
