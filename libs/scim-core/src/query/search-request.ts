import { ScimError } from '../errors';
import { Urn } from '../messages/urns';
import { isObject } from '../resource/json';

/**
 * RFC 7644 §3.4.3: a POST …/.search body (a SearchRequest) as the query parameters a GET would carry, so
 * both go through one parser and give the same results. `attributes` and `excludedAttributes` are arrays
 * of names (a comma-separated string is tolerated); `startIndex` and `count` are integers.
 */
export function searchRequestToQuery(body: unknown): Record<string, string> {
  if (!isObject(body)) throw ScimError.invalidSyntax('The request body must be a SearchRequest object');
  const schemas = body.schemas;
  if (
    schemas !== undefined &&
    (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === Urn.SearchRequest.toLowerCase()))
  ) {
    throw ScimError.invalidSyntax(`A SearchRequest lists "${Urn.SearchRequest}" in schemas`);
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined || key === 'schemas') continue;
    switch (key.toLowerCase()) {
      case 'filter':
      case 'sortby':
      case 'sortorder':
      case 'cursor':
        if (typeof value !== 'string') throw ScimError.invalidValue(`"${key}" must be a string`);
        query[key] = value;
        break;
      case 'attributes':
      case 'excludedattributes':
        query[key] = attributeList(key, value);
        break;
      case 'startindex':
      case 'count':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw ScimError.invalidValue(`"${key}" must be an integer`);
        query[key] = String(value);
        break;
      default:
        throw ScimError.invalidValue(`"${key}" is not a SearchRequest attribute (RFC 7644 §3.4.3)`);
    }
  }
  return query;
}

function attributeList(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  throw ScimError.invalidValue(`"${key}" must be an array of attribute names`);
}
