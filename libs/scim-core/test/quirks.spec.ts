import { echoedId, managerShapes, opAnyCase, pathlessDottedKeys, unsupportedRoles } from '../src/patch/quirks';
import { UserResourceType } from '../src/schema/registry';
import { ScimError } from '../src/errors';

// Each IdP quirk is a rewrite to canonical PatchOp operations; here each is tested on its own.
const ctx = { type: UserResourceType, resourceId: 'u1' };
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('quirk: op-any-case (Entra "Replace")', () => {
  it.each(['Add', 'REPLACE', ' remove '])('normalises %j', (op) => {
    expect(opAnyCase.rewrite({ op, path: 'title' }, ctx)[0].op).toBe(op.trim().toLowerCase());
  });
  it('refuses unknown ops', () => expect(() => opAnyCase.rewrite({ op: 'move' }, ctx)).toThrow(ScimError));
});

describe('quirk: pathless-dotted-keys (Entra aadOptscim062020)', () => {
  it('splits dotted and URN-qualified keys into path operations, keeping plain keys', () => {
    expect(pathlessDottedKeys.rewrite({ op: 'replace', value: { displayName: 'D', 'name.givenName': 'G', [`${ENT}:department`]: 'S' } }, ctx)).toEqual([
      { op: 'replace', value: { displayName: 'D' } },
      { op: 'replace', path: 'name.givenName', value: 'G' },
      { op: 'replace', path: `${ENT}:department`, value: 'S' },
    ]);
  });
  it('leaves a whole extension object alone', () => {
    const op = { op: 'replace', value: { [ENT]: { department: 'S' } } };
    expect(pathlessDottedKeys.rewrite(op, ctx)).toEqual([op]);
  });
});

describe('quirk: echoed-id (Okta group rename)', () => {
  it('drops an id equal to the resource id', () => {
    expect(echoedId.rewrite({ op: 'replace', value: { id: 'u1', displayName: 'x' } }, ctx)).toEqual([{ op: 'replace', value: { displayName: 'x' } }]);
    expect(echoedId.rewrite({ op: 'replace', value: { id: 'u1' } }, ctx)).toEqual([]);
  });
  it('refuses a different id', () => expect(() => echoedId.rewrite({ op: 'replace', value: { id: 'u2' } }, ctx)).toThrow(ScimError));
});

describe('quirk: unsupported-roles (Entra app roles)', () => {
  it('drops role operations and role keys', () => {
    expect(unsupportedRoles.rewrite({ op: 'add', path: 'roles', value: [{ value: '{"id":"1"}' }] }, ctx)).toEqual([]);
    expect(unsupportedRoles.rewrite({ op: 'add', path: 'roles[primary eq true].value', value: 'x' }, ctx)).toEqual([]);
    expect(unsupportedRoles.rewrite({ op: 'replace', value: { roles: [], title: 'T' } }, ctx)).toEqual([{ op: 'replace', value: { title: 'T' } }]);
  });
});

describe('quirk: manager-shapes (Entra manager)', () => {
  it.each([
    [
      { op: 'add', path: `${ENT}:manager`, value: 'm1' },
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } },
    ],
    [
      { op: 'add', path: 'manager', value: [{ $ref: 'http://x/Users/m1', value: 'm1' }] },
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } },
    ],
    [
      { op: 'replace', path: 'manager', value: { Value: 'm1' } },
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'm1' } },
    ],
    [
      { op: 'replace', path: 'manager', value: '' },
      { op: 'remove', path: `${ENT}:manager` },
    ],
    [
      { op: 'replace', path: 'manager', value: { value: '' } },
      { op: 'remove', path: `${ENT}:manager` },
    ],
    [
      { op: 'remove', path: 'manager' },
      { op: 'remove', path: `${ENT}:manager` },
    ],
  ])('%j', (input, output) => {
    expect(managerShapes.rewrite(input, ctx)).toEqual([output]);
  });
  it('leaves filtered manager paths to the engine', () => {
    const op = { op: 'remove', path: `${ENT}:manager[value eq "m1"]` };
    expect(managerShapes.rewrite(op, ctx)).toEqual([op]);
  });
});
