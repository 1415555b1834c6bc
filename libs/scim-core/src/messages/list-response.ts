import { Urn } from './urns';

export interface ListResponse<T> {
  schemas: [typeof Urn.ListResponse];
  totalResults: number;
  /** Index paging only. */
  startIndex?: number;
  itemsPerPage: number;
  /** Cursor paging (RFC 9865): present while there is a next page. */
  nextCursor?: string;
  Resources: T[];
}

// RFC 7644 §3.4.2: the one place a ListResponse is shaped. Numbers are always integers and
// Resources is always present (Okta asserts it even when empty).
export function toListResponse<T>(resources: T[], page: { totalResults: number; startIndex?: number; nextCursor?: string }): ListResponse<T> {
  return {
    schemas: [Urn.ListResponse],
    totalResults: page.totalResults,
    ...(page.startIndex !== undefined ? { startIndex: page.startIndex } : {}),
    itemsPerPage: resources.length,
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    Resources: resources,
  };
}

/**
 * The same ListResponse as text, around resources already serialised (stored documents sent as they are):
 * the envelope is shaped by toListResponse, only the Resources array is joined here.
 */
export function toListResponseText<T>(
  resources: JsonText<T>[],
  page: { totalResults: number; startIndex?: number; nextCursor?: string },
): JsonText<ListResponse<T>> {
  const { Resources: _, ...envelope } = toListResponse(resources, page);
  return `${JSON.stringify(envelope).slice(0, -1)},"Resources":[${resources.join(',')}]}`;
}

/** The JSON text of a `T`: a body a handler serialised itself, still typed by what it holds. */
export type JsonText<T> = string & { readonly jsonOf?: T };
