import { normaliseOperations } from '../src/patch/quirks';
import { splitMembershipOperations } from '../src/patch/membership';
import { GroupResourceType } from '../src/schema/registry';
import { ScimError } from '../src/errors';

const split = (...ops: { op: string; path?: string; value?: unknown }[]) =>
  splitMembershipOperations(GroupResourceType, normaliseOperations(ops, { type: GroupResourceType, resourceId: 'g1' }));

describe('group membership PATCH planning (RFC 7644 §3.5.2; F-OK-11…13, F-EN-10 in docs/idp-behaviour.md)', () => {
  it('Okta: several filtered removes and an add become one remove and one add', () => {
    expect(
      split(
        { op: 'remove', path: 'members[value eq "a"]' },
        { op: 'remove', path: 'members[value eq "b"]' },
        { op: 'add', path: 'members', value: [{ value: 'c', display: 'c@x' }] },
      ).membership,
    ).toEqual([
      { kind: 'remove', ids: ['a', 'b'] },
      { kind: 'add', ids: ['c'] },
    ]);
  });
  it('Okta Push Now: replace, including with []', () => {
    expect(split({ op: 'replace', path: 'members', value: [] }).membership).toEqual([{ kind: 'replace', ids: [] }]);
  });
  it('Entra default: Remove with a value list removes those members only', () => {
    expect(split({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'a' }] }).membership).toEqual([{ kind: 'remove', ids: ['a'] }]);
  });
  it('remove of members without a value removes all (RFC 7644 §3.5.2.2)', () => {
    expect(split({ op: 'remove', path: 'members' }).membership).toEqual([{ kind: 'removeAll' }]);
  });
  it('Okta rename with the echoed id and a path-less members value', () => {
    const { membership, attributeOperations } = split({ op: 'replace', value: { id: 'g1', displayName: 'New', members: [{ value: 'a' }] } });
    expect(membership).toEqual([{ kind: 'replace', ids: ['a'] }]);
    expect(attributeOperations).toEqual([{ op: 'replace', value: { displayName: 'New' } }]);
  });
  it('a value filter other than value eq is evaluated against the members', () => {
    expect(split({ op: 'remove', path: 'members[type eq "User"]' }).membership[0].kind).toBe('removeMatching');
  });
  it('rejects members without a value and filtered non-removes', () => {
    expect(() => split({ op: 'add', path: 'members', value: [{ display: 'x' }] })).toThrow(ScimError);
    expect(() => split({ op: 'replace', path: 'members[value eq "a"]', value: { value: 'b' } })).toThrow(ScimError);
  });
});
