import { bindFilter } from '../src/filter/bind';
import { isIndexedLookup, isLookupShape, rangeComplement } from '../src/filter/cost';
import { parseFilter } from '../src/filter/parser';
import type { ResourceStorage } from '../src/filter/storage';
import { UserResourceType } from '../src/schema/registry';

const storage: ResourceStorage = {
  table: 'users',
  idColumn: 'id',
  documentColumn: 'document',
  columns: {
    id: { column: 'id', uuid: true, lookup: true },
    username: { column: 'user_name', ciColumn: 'user_name_ci', lookup: true },
    externalid: { column: 'external_id', lookup: true },
    active: { column: 'active' },
    'meta.lastmodified': { column: 'updated_at', everyRow: true },
    displayname: { column: 'display_name' },
  },
  children: {
    emails: {
      table: 'user_emails',
      foreignKey: 'user_id',
      columns: { value: { column: 'value', ciColumn: 'value_ci', lookup: true }, type: { column: 'type' } },
    },
  },
};

const lookup = (filter: string) => isIndexedLookup(bindFilter(parseFilter(filter), UserResourceType), storage);

// How identity providers look users up: each is an indexed lookup, and of a lookup shape.
const IDP_LOOKUPS = [
  'userName eq "a@example.com"',
  'externalId eq "00u1"',
  'id eq "0190f5d2-0000-7000-8000-000000000001"',
  'emails.value eq "a@example.com"',
  'emails[value eq "a@example.com"]',
  'emails[type eq "work"].value eq "a@example.com"',
  'emails[type eq "work" and value eq "a@example.com"]',
];

describe('which filters are indexed lookups (cheap on any tenant)', () => {
  it.each([...IDP_LOOKUPS, 'userName eq "a" and title co "x"', 'active eq true and externalId eq "x"', 'userName eq "a" or externalId eq "b"'])(
    '%s is',
    (filter) => expect(lookup(filter)).toBe(true),
  );

  it.each([
    'userName sw "a"',
    'userName co "a"',
    'userName ne "a"',
    'active eq true',
    'title eq "x"',
    'emails[value co "a"]',
    'emails[type eq "work"]',
    'userName eq "a" or title eq "b"',
    'not (userName eq "a")',
    'userName pr',
    'meta.created gt "2026-01-01T00:00:00Z"',
  ])('%s is not', (filter) => expect(lookup(filter)).toBe(false));
});

describe("which filters have an identity provider's lookup shape (a fixed set of statement texts)", () => {
  const shape = (filter: string) => isLookupShape(bindFilter(parseFilter(filter), UserResourceType), storage);

  it.each(IDP_LOOKUPS)('%s has', (filter) => expect(shape(filter)).toBe(true));

  it.each([
    // Indexed lookups whose other side is the client's to vary: each would be a text of its own.
    'userName eq "a" and title co "x"',
    'active eq true and externalId eq "x"',
    'userName eq "a" or externalId eq "b"',
    'emails[type eq "work" and value eq "a" and primary eq true]',
    'emails[value eq "a" or value eq "b"]',
    'emails[type co "w" and value eq "a"]',
    // Not lookups at all.
    'userName sw "a"',
    'title eq "x"',
    'emails[type eq "work"]',
  ])('%s has not', (filter) => expect(shape(filter)).toBe(false));
});

describe('the opposite of a range over a column every row has', () => {
  const opposite = (filter: string) => {
    const found = rangeComplement(bindFilter(parseFilter(filter), UserResourceType), storage);
    return found && found.kind === 'compare' ? `${found.attr.key} ${found.op}` : undefined;
  };

  it.each([
    ['meta.lastModified gt "2026-01-01T00:00:00Z"', 'meta.lastModified le'],
    ['meta.lastModified ge "2026-01-01T00:00:00Z"', 'meta.lastModified lt'],
    ['meta.lastModified lt "2026-01-01T00:00:00Z"', 'meta.lastModified ge'],
    ['meta.lastModified le "2026-01-01T00:00:00Z"', 'meta.lastModified gt'],
  ])('%s: every other row is %s', (filter, expected) => {
    expect(opposite(filter)).toBe(expected);
  });

  it.each([
    'meta.lastModified eq "2026-01-01T00:00:00Z"',
    'meta.lastModified ne "2026-01-01T00:00:00Z"',
    // a column some rows leave empty: those rows are on neither side
    'displayName gt "m"',
    'meta.lastModified gt "2026-01-01T00:00:00Z" and active eq true',
    'not (meta.lastModified gt "2026-01-01T00:00:00Z")',
    'emails[value gt "m"]',
  ])('has none for %s', (filter) => {
    expect(opposite(filter)).toBeUndefined();
  });
});
