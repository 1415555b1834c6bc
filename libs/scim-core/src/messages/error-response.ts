import type { ScimType } from '../errors';
import { Urn } from './urns';

export interface ErrorResponse {
  schemas: [typeof Urn.Error];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

// RFC 7644 §3.12: status is the HTTP code as a JSON string.
export function toErrorResponse(status: number, detail: string, scimType?: ScimType): ErrorResponse {
  const body: ErrorResponse = { schemas: [Urn.Error], status: String(status) };
  if (scimType) body.scimType = scimType;
  body.detail = detail;
  return body;
}
