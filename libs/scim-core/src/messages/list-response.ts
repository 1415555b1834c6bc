import { Urn } from './urns';

export interface ListResponse<T> {
  schemas: [typeof Urn.ListResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

// RFC 7644 §3.4.2: the one place a ListResponse is shaped. Numbers are always integers and
// Resources is always present (Okta asserts it even when empty).
export function toListResponse<T>(resources: T[], page: { totalResults: number; startIndex: number }): ListResponse<T> {
  return {
    schemas: [Urn.ListResponse],
    totalResults: page.totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
