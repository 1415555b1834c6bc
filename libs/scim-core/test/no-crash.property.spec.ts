import fc from 'fast-check';
import { bindFilter } from '../src/filter/bind';
import { parseFilter } from '../src/filter/parser';
import { filterToSql } from '../src/filter/to-sql';
import { applyPatch } from '../src/patch/apply-patch';
import { toResourceDocument } from '../src/resource/document';
import { GroupResourceType, UserResourceType } from '../src/schema/registry';
import { ScimError } from '../src/errors';
import { Urn } from '../src/messages/urns';

// "No input produces a 500": whatever a client sends, the core either succeeds or throws a 4xx ScimError.
function onlyScimErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ScimError) || error.status < 400 || error.status >= 500) throw error;
  }
}

const paths = [
  'userName',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'active',
  'title',
  'meta.created',
  'id',
  'externalId',
  'manager',
  'members',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  `${Urn.EnterpriseUser}:manager`,
  'roles',
  'groups',
  'password',
  'bogus',
  'x.y.z',
  '[',
  'emails[',
  'emails[type eq]',
  '',
];
const ops = ['add', 'Add', 'remove', 'REPLACE', 'replace', 'move', ''];
const words = [
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'and',
  'or',
  'not',
  '(',
  ')',
  '[',
  ']',
  '"x"',
  '"2024-01-01T00:00:00Z"',
  'true',
  '42',
  'null',
  ...paths,
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });

describe('property: no input crashes the core', () => {
  it('filter parser + binder + SQL compiler', () => {
    const tokens = fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), tokens), (text) =>
        onlyScimErrors(() => {
          const bound = bindFilter(parseFilter(text), UserResourceType);
          filterToSql(bound, { table: 'users', idColumn: 'id', documentColumn: 'document', columns: {}, children: {} }, 'postgresql');
        }),
      ),
      { numRuns: 3000 },
    );
  });

  it('PATCH engine', () => {
    const operation = fc.record(
      {
        op: fc.oneof(fc.constantFrom(...ops), fc.anything()),
        path: fc.oneof(fc.constantFrom(...paths), fc.string(), fc.constant(undefined)),
        value: jsonValue,
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.record({ schemas: fc.constant([Urn.PatchOp]), Operations: fc.array(operation, { maxLength: 5 }) }), fc.anything());
    const document = { userName: 'a@b.c', emails: [{ value: 'a@b.c', type: 'work' }], [Urn.EnterpriseUser]: { manager: { value: 'm' } } };
    fc.assert(
      fc.property(body, (b) => onlyScimErrors(() => applyPatch(UserResourceType, document, b, 'id-1'))),
      { numRuns: 3000 },
    );
  });

  it('request body validator', () => {
    const userish = fc.dictionary(
      fc.constantFrom(
        'userName',
        'name',
        'emails',
        'active',
        'title',
        'groups',
        'meta',
        'password',
        'externalId',
        'phoneNumbers',
        Urn.EnterpriseUser,
        Urn.RosterUser,
        'x',
      ),
      jsonValue,
    );
    fc.assert(
      fc.property(fc.oneof(userish, fc.anything()), (body) => {
        onlyScimErrors(() => toResourceDocument(UserResourceType, body));
        onlyScimErrors(() => toResourceDocument(GroupResourceType, body));
      }),
      { numRuns: 3000 },
    );
  });
});
