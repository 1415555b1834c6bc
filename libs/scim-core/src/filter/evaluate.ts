import { getIgnoreCase } from '../resource/json';
import type { BoundFilter, BoundValue } from './bind';

/** Evaluates a filter bound with bindElementFilter against one element of a multi-valued attribute. */
export function matchesElement(filter: BoundFilter, element: unknown): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesElement(filter.left, element) && matchesElement(filter.right, element);
    case 'or':
      return matchesElement(filter.left, element) || matchesElement(filter.right, element);
    case 'not':
      return !matchesElement(filter.filter, element);
    case 'some':
      return false;
    case 'present': {
      const value = read(filter.attr.sub?.name, element);
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare': {
      const def = filter.attr.sub ?? filter.attr.attribute;
      const actual = read(filter.attr.sub?.name, element);
      return compare(actual, filter.op, filter.value, !def.caseExact);
    }
  }
}

function read(sub: string | undefined, element: unknown): unknown {
  if (sub === undefined) return element;
  return element !== null && typeof element === 'object' ? getIgnoreCase(element as Record<string, unknown>, sub) : undefined;
}

function compare(actual: unknown, op: string, expected: BoundValue, caseInsensitive: boolean): boolean {
  if (actual === undefined || actual === null) return op === 'ne';
  let a: unknown = actual;
  let e: unknown = expected;
  if (expected instanceof Date) {
    a = typeof actual === 'string' ? new Date(actual).getTime() : NaN;
    e = expected.getTime();
  } else if (typeof expected === 'boolean' && typeof actual === 'string') {
    a = actual.toLowerCase() === 'true' ? true : actual.toLowerCase() === 'false' ? false : actual;
  } else if (typeof expected === 'string' && typeof actual === 'string' && caseInsensitive) {
    a = actual.toLowerCase();
    e = expected.toLowerCase();
  }
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return typeof a === 'string' && a.includes(String(e));
    case 'sw':
      return typeof a === 'string' && a.startsWith(String(e));
    case 'ew':
      return typeof a === 'string' && a.endsWith(String(e));
    case 'gt':
      return (a as number) > (e as number);
    case 'ge':
      return (a as number) >= (e as number);
    case 'lt':
      return (a as number) < (e as number);
    case 'le':
      return (a as number) <= (e as number);
    default:
      return false;
  }
}
