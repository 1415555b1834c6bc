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
