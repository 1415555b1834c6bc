import type { CompareOperator } from './ast';
import type { BoundFilter } from './bind';
import type { ResourceStorage } from './storage';

/**
 * Whether a filter is answered through an index whatever the tenant's size: an `eq` on an attribute whose
 * storage is a lookup column (userName, externalId, id, an email's value, a member), an AND with such a
 * filter on either side, or an OR of such filters. Everything else (substring matches, ranges, `ne`, `pr`,
 * attributes read from the JSON document) may scan the tenant, and runs where a long query holds up no
 * other request (the database's heavy-read path).
 */
export function isIndexedLookup(filter: BoundFilter, storage: ResourceStorage): boolean {
  switch (filter.kind) {
    case 'and':
      return isIndexedLookup(filter.left, storage) || isIndexedLookup(filter.right, storage);
    case 'or':
      return isIndexedLookup(filter.left, storage) && isIndexedLookup(filter.right, storage);
    case 'compare':
      return filter.op === 'eq' && storage.columns[filter.attr.key.toLowerCase()]?.lookup === true;
    case 'some': {
      const child = storage.children[filter.attr.key.toLowerCase()];
      return !!child && isElementLookup(filter.filter, child.columns);
    }
    default:
      return false;
  }
}

/**
 * Whether a filter is one of the few shapes identity providers look a resource up by: one `eq` on a lookup
 * column (`userName eq "…"`, `externalId eq "…"`), or an element of a multi-valued attribute found by one
 * (`emails.value eq "…"`), with at most one more `eq` beside it (`emails[type eq "work"].value eq "…"`).
 * Whatever the values, such filters compile to a small fixed set of statement texts, each best run by the
 * same index: PostgreSQL may keep them prepared.
 */
export function isLookupShape(filter: BoundFilter, storage: ResourceStorage): boolean {
  if (filter.kind === 'compare') return isIndexedLookup(filter, storage);
  if (filter.kind !== 'some') return false;
  const inner = filter.filter;
  const comparisons = inner.kind === 'and' ? [inner.left, inner.right] : [inner];
  return comparisons.every((part) => part.kind === 'compare' && part.op === 'eq') && isIndexedLookup(filter, storage);
}

function isElementLookup(filter: BoundFilter, columns: ResourceStorage['columns']): boolean {
  switch (filter.kind) {
    case 'and':
      return isElementLookup(filter.left, columns) || isElementLookup(filter.right, columns);
    case 'or':
      return isElementLookup(filter.left, columns) && isElementLookup(filter.right, columns);
    case 'compare':
      return filter.op === 'eq' && columns[filter.attr.sub?.name.toLowerCase() ?? 'value']?.lookup === true;
    default:
      return false;
  }
}

const OPPOSITE: Partial<Record<CompareOperator, CompareOperator>> = { gt: 'le', ge: 'lt', lt: 'ge', le: 'gt' };

/**
 * For a filter that is one range (`gt`, `ge`, `lt`, `le`) of a column every row holds a value in
 * (ColumnMapping.everyRow), the opposite range: together they hold each of the tenant's rows exactly once, so
 * the filter's matches number the tenant's rows minus the opposite's. Otherwise undefined.
 */
export function rangeComplement(filter: BoundFilter, storage: ResourceStorage): BoundFilter | undefined {
  if (filter.kind !== 'compare') return undefined;
  const opposite = OPPOSITE[filter.op];
  return opposite && storage.columns[filter.attr.key.toLowerCase()]?.everyRow ? { ...filter, op: opposite } : undefined;
}
