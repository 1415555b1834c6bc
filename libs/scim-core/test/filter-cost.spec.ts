import { bindFilter } from '../src/filter/bind';
import { isIndexedLookup } from '../src/filter/cost';
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

describe('which filters are indexed lookups (cheap on any tenant)', () => {
  it.each([
    'userName eq "a@example.com"',
    'externalId eq "00u1"',
    'id eq "0190f5d2-0000-7000-8000-000000000001"',
    'emails.value eq "a@example.com"',
    'emails[value eq "a@example.com"]',
    'emails[type eq "work" and value eq "a@example.com"]',
    'userName eq "a" and title co "x"',
    'active eq true and externalId eq "x"',
    'userName eq "a" or externalId eq "b"',
  ])('%s is', (filter) => expect(lookup(filter)).toBe(true));

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
