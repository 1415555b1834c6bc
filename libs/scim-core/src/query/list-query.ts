import { ScimError } from '../errors';
import { bindFilter, type BoundFilter } from '../filter/bind';
import { parseFilter } from '../filter/parser';
import { resolveAttribute, splitAttributePath, type ResolvedAttribute, type ResourceType } from '../schema/resource-type';
import { parseAttributeList, type Projection } from './projection';

export interface ListQuery {
  filter?: BoundFilter;
  /** The filter as the client wrote it (cursors are bound to it). */
  filterText?: string;
  /** 1-based, already clamped (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** Already clamped to [0, maxResults]. */
  count: number;
  sortBy?: ResolvedAttribute;
  sortOrder: 'ascending' | 'descending';
  projection: Projection;
  /** RFC 9865: present (possibly empty, for the first page) when the client pages by cursor. */
  cursor?: string;
}

export interface ListQueryLimits {
  defaultCount: number;
  maxResults: number;
}

type RawQuery = Record<string, unknown>;

/** Parses the query parameters of a list request; parameter names are matched case-insensitively. */
export function parseListQuery(type: ResourceType, raw: RawQuery, limits: ListQueryLimits): ListQuery {
  const get = (name: string): string | undefined => {
    const key = Object.keys(raw).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : raw[key];
    if (Array.isArray(value)) throw ScimError.invalidValue(`Query parameter "${name}" was given more than once`);
    return typeof value === 'string' ? value : undefined;
  };
  const filterText = get('filter');
  const filter = filterText !== undefined && filterText.trim() !== '' ? bindFilter(parseFilter(filterText), type) : undefined;

  const startIndex = Math.max(1, parseInteger(get('startIndex'), 'startIndex') ?? 1);
  const requested = parseInteger(get('count'), 'count') ?? limits.defaultCount;
  const count = Math.min(Math.max(0, requested), limits.maxResults);

  const sortByText = get('sortBy');
  let sortBy: ResolvedAttribute | undefined;
  if (sortByText) {
    let split;
    try {
      split = splitAttributePath(type, sortByText);
    } catch {
      split = undefined;
    }
    sortBy = split && !('extensionOnly' in split) ? resolveAttribute(type, split) : undefined;
    if (!sortBy || sortBy.attribute.returned === 'never') throw ScimError.invalidValue(`Cannot sort by unknown attribute "${sortByText}"`);
    if (sortBy.attribute.type === 'complex' && !sortBy.sub) throw ScimError.invalidValue(`Cannot sort by complex attribute "${sortByText}"`);
  }
  const order = get('sortOrder')?.toLowerCase();
  if (order !== undefined && order !== 'ascending' && order !== 'descending') {
    throw ScimError.invalidValue('sortOrder must be "ascending" or "descending"');
  }

  // RFC 9865: `cursor` (empty for the first page) selects cursor paging, in the default order only.
  const cursorKey = Object.keys(raw).find((k) => k.toLowerCase() === 'cursor');
  const cursor = cursorKey === undefined ? undefined : (get('cursor') ?? '');
  if (cursor !== undefined) {
    if (get('startIndex') !== undefined) throw ScimError.invalidValue('Use either cursor or startIndex, not both (RFC 9865)');
    if (sortBy) throw ScimError.invalidValue('sortBy is not supported with cursor paging; page by startIndex to sort');
  }

  return {
    ...(cursor !== undefined ? { cursor } : {}),
    ...(filter ? { filterText: filterText!.trim() } : {}),
    filter,
    startIndex,
    count,
    sortBy,
    sortOrder: order === 'descending' ? 'descending' : 'ascending',
    projection: parseProjection(raw),
  };
}

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5): attribute names, optionally schema-qualified,
 * with at most one sub-attribute. Anything else (a value filter such as `emails[type eq "work"]`, stray
 * characters) is 400 invalidValue rather than a silently empty selection. Well-formed names that the
 * schema does not define select nothing, so a client asking for an attribute Roster lacks still works.
 */
const ATTRIBUTE_NAME = /^(urn:[A-Za-z0-9][\w.:-]*:)?\$?[A-Za-z][\w$-]*(\.\$?[A-Za-z][\w$-]*)?$/;

export function parseProjection(raw: RawQuery): Projection {
  const pick = (name: string) => {
    const key = Object.keys(raw).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : raw[key];
    const paths = parseAttributeList(Array.isArray(value) ? value.join(',') : value);
    const invalid = paths?.find((path) => path.length > 300 || !ATTRIBUTE_NAME.test(path));
    if (invalid !== undefined) {
      throw ScimError.invalidValue(`${name}: "${invalid.slice(0, 100)}" is not an attribute name (a path, not a filter: e.g. emails.value)`);
    }
    return paths;
  };
  return { attributes: pick('attributes'), excludedAttributes: pick('excludedAttributes') };
}

function parseInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d{1,15}$/.test(value.trim())) throw ScimError.invalidValue(`Query parameter "${name}" must be an integer`);
  return Number(value);
}
