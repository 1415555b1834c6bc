import { applyPatch } from '../src/patch/apply-patch';
import { scimError } from './scim-error';
import { UserResourceType } from '../src/schema/registry';
import { Urn } from '../src/messages/urns';

const ID = '2819c223-7f76-453a-919d-413861904646';
const ENT = Urn.EnterpriseUser;
const patch = (document: Record<string, unknown>, ...Operations: unknown[]) =>
  applyPatch(UserResourceType, document, { schemas: [Urn.PatchOp], Operations }, ID);

const base = () => ({
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENT]: { department: 'Sales', manager: { value: 'm-1' } },
});

describe('RFC 7644 §3.5.2.1 add', () => {
  it('sets a simple attribute by path', () => {
    expect(patch(base(), { op: 'add', path: 'nickName', value: 'Babs' }).document.nickName).toBe('Babs');
  });
  it('appends to a multi-valued attribute without duplicating', () => {
    const doc = patch(base(), {
      op: 'add',
      path: 'emails',
      value: [
        { value: 'new@x.com', type: 'other' },
        { value: 'babs@jensen.org', type: 'home' },
      ],
    }).document;
    expect((doc.emails as unknown[]).length).toBe(3);
  });
  it('merges a path-less object', () => {
    const doc = patch(base(), { op: 'add', value: { title: 'Boss', name: { middleName: 'J' } } }).document;
    expect(doc.title).toBe('Boss');
    expect(doc.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen', middleName: 'J' });
  });
  it('sets an extension attribute by URN path', () => {
    const doc = patch(base(), { op: 'add', path: `${ENT}:costCenter`, value: '42' }).document;
    expect((doc[ENT] as Record<string, unknown>).costCenter).toBe('42');
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('removes an attribute', () => {
    expect(patch(base(), { op: 'remove', path: 'name.givenName' }).document.name).toEqual({ familyName: 'Jensen' });
  });
  it('removes matching elements by value filter', () => {
    const doc = patch(base(), { op: 'remove', path: 'emails[type eq "home"]' }).document;
    expect(doc.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });
  it('without a path is 400 noTarget', () => {
    expect(scimError(() => patch(base(), { op: 'remove' })).scimType).toBe('noTarget');
  });
  it('of an absent element is a no-op', () => {
    expect(patch(base(), { op: 'remove', path: 'emails[type eq "other"]' }).changed).toBe(false);
  });
  it('of a required attribute fails', () => {
    expect(scimError(() => patch(base(), { op: 'remove', path: 'userName' })).status).toBe(400);
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('replaces by path', () => {
    expect(patch(base(), { op: 'replace', path: 'name.familyName', value: 'Smith' }).document.name).toEqual({ givenName: 'Barbara', familyName: 'Smith' });
  });
  it('replaces a whole multi-valued attribute', () => {
    expect(patch(base(), { op: 'replace', path: 'emails', value: [{ value: 'only@x.com' }] }).document.emails).toEqual([{ value: 'only@x.com' }]);
  });
  it('replaces a sub-attribute of filtered elements', () => {
    const doc = patch(base(), { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }).document;
    expect((doc.emails as Record<string, unknown>[])[0]).toEqual({ value: 'new@example.com', type: 'work', primary: true });
  });
  it('with a non-equality filter matching nothing is 400 noTarget', () => {
    expect(scimError(() => patch(base(), { op: 'replace', path: 'emails[value co "nobody"].display', value: 'x' })).scimType).toBe('noTarget');
  });
  it('is atomic: a failing operation leaves the input untouched', () => {
    const doc = base();
    const before = JSON.stringify(doc);
    scimError(() => patch(doc, { op: 'replace', path: 'title', value: 'Boss' }, { op: 'replace', path: 'active', value: 'maybe' }));
    expect(JSON.stringify(doc)).toBe(before);
  });
  it('of an unknown attribute is 400 invalidPath', () => {
    expect(scimError(() => patch(base(), { op: 'replace', path: 'nickname2', value: 'x' })).scimType).toBe('invalidPath');
  });
  it('with a wrong type is 400 invalidValue', () => {
    expect(scimError(() => patch(base(), { op: 'replace', path: 'name', value: 'x' })).scimType).toBe('invalidValue');
  });
  it('of a readOnly attribute by path is 400 mutability', () => {
    expect(scimError(() => patch(base(), { op: 'replace', path: 'groups', value: [] })).scimType).toBe('mutability');
  });
});

describe('envelope', () => {
  it.each([
    [{}, 'invalidSyntax'],
    [{ Operations: [] }, 'invalidSyntax'],
    [{ schemas: ['urn:wrong'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    [{ Operations: [{ op: 'upsert', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    [{ Operations: ['x'] }, 'invalidSyntax'],
    [{ Operations: [{ op: 'add', path: 5 }] }, 'invalidPath'],
  ])('rejects %j', (body, scimType) => {
    expect(scimError(() => applyPatch(UserResourceType, base(), body, ID)).scimType).toBe(scimType);
  });
});

// The IdP quirks of docs/idp-behaviour.md: each has its own test.
describe('IdP quirks', () => {
  it('17: op in any case (Entra "Replace")', () => {
    expect(patch(base(), { op: 'Replace', path: 'title', value: 'x' }).document.title).toBe('x');
    expect(patch(base(), { op: 'ADD', path: 'title', value: 'y' }).document.title).toBe('y');
  });
  it('18: "True"/"False" strings for booleans (Entra without aadOptscim062020)', () => {
    expect(patch(base(), { op: 'Replace', path: 'active', value: 'False' }).document.active).toBe(false);
    expect(patch({ ...base(), active: false }, { op: 'Replace', path: 'active', value: 'True' }).document.active).toBe(true);
  });
  it('16: Okta path-less deactivation', () => {
    expect(patch(base(), { op: 'replace', value: { active: false } }).document.active).toBe(false);
  });
  it('16: Entra aadOptscim062020 path-less object with dotted and URN keys', () => {
    const doc = patch(base(), {
      op: 'replace',
      value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENT}:employeeNumber`]: 'Aklq' },
    }).document;
    expect(doc.displayName).toBe('Bjfe');
    expect(doc.name).toEqual({ givenName: 'Kkom', familyName: 'Unua' });
    expect((doc[ENT] as Record<string, unknown>).employeeNumber).toBe('Aklq');
  });
  it('20: Add on an absent emails[type eq "work"].value creates the element', () => {
    const doc = patch({ userName: 'x@y.com' }, { op: 'Add', path: 'emails[type eq "work"].value', value: 'x@y.com' }).document;
    expect(doc.emails).toEqual([{ type: 'work', value: 'x@y.com' }]);
  });
  it('21: Replace on an absent typed value path creates it too (documented policy)', () => {
    const doc = patch(base(), { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555' }).document;
    expect(doc.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555' }]);
  });
  it('20: sub-attribute ops such as .primary and .display', () => {
    const doc = patch(base(), { op: 'replace', path: 'emails[type eq "home"].primary', value: true }).document;
    const emails = doc.emails as Record<string, unknown>[];
    expect(emails.find((e) => e.type === 'home')!.primary).toBe(true);
    expect(emails.find((e) => e.type === 'work')!.primary).toBe(false);
  });
  it('22: Remove with a value on a value path removes only when equal', () => {
    const kept = patch(base(), { op: 'Remove', path: 'emails[type eq "work"].value', value: 'other@x.com' }).document;
    expect((kept.emails as unknown[]).length).toBe(2);
    const removed = patch(base(), { op: 'Remove', path: 'emails[type eq "home"].value', value: 'babs@jensen.org' }).document;
    expect(removed.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });
  it('22: Remove with a value list on a multi-valued attribute removes those values, never all', () => {
    const doc = patch(base(), { op: 'Remove', path: 'emails', value: [{ value: 'babs@jensen.org' }] }).document;
    expect(doc.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });
  it('24: manager as a plain id string under the URN path', () => {
    const doc = patch(base(), { op: 'Add', path: `${ENT}:manager`, value: 'm-2' }).document;
    expect((doc[ENT] as Record<string, unknown>).manager).toEqual({ value: 'm-2' });
  });
  it('24: manager as [{$ref, value}] under the bare path "manager"', () => {
    const doc = patch(base(), { op: 'Add', path: 'manager', value: [{ $ref: 'http://x/Users/m-3', value: 'm-3' }] }).document;
    expect((doc[ENT] as Record<string, unknown>).manager).toEqual({ value: 'm-3' });
  });
  it('24: manager cleared by an empty value, and by a filtered remove', () => {
    const cleared = patch(base(), { op: 'Replace', path: 'manager', value: '' }).document;
    expect(cleared[ENT]).toEqual({ department: 'Sales' });
    const removed = patch(base(), { op: 'remove', path: `${ENT}:manager[value eq "m-1"]` }).document;
    expect(removed[ENT]).toEqual({ department: 'Sales' });
  });
  it('25: Entra roles PATCH with a JSON-encoded string is ignored, not a 500', () => {
    const result = patch(base(), { op: 'Add', path: 'roles', value: [{ value: '{"id":"06b0","value":"25","displayName":"Role1234"}' }] });
    expect(result.changed).toBe(false);
    expect(patch(base(), { op: 'replace', value: { roles: [{ value: 'x' }], title: 'T' } }).document.title).toBe('T');
  });
  it('26: empty strings and null clear optional attributes', () => {
    const withTitle = { ...base(), title: 'Boss', nickName: 'B' };
    const doc = patch(withTitle, { op: 'replace', path: 'title', value: '' }, { op: 'replace', path: 'nickName', value: null }).document;
    expect(doc.title).toBeUndefined();
    expect(doc.nickName).toBeUndefined();
  });
  it('19: Okta echoes the read-only id in a path-less replace — dropped when equal', () => {
    expect(patch(base(), { op: 'replace', value: { id: ID, displayName: 'B' } }).document.displayName).toBe('B');
    expect(scimError(() => patch(base(), { op: 'replace', value: { id: 'other', displayName: 'B' } })).scimType).toBe('mutability');
  });
  it('15: readOnly and unknown keys in path-less values are ignored', () => {
    const result = patch(base(), { op: 'replace', value: { meta: { created: 'x' }, groups: [], foo: 1 } });
    expect(result.changed).toBe(false);
  });
  it('attribute names are case-insensitive', () => {
    expect(patch(base(), { op: 'replace', path: 'NAME.GIVENNAME', value: 'B' }).document.name).toEqual({ givenName: 'B', familyName: 'Jensen' });
  });
  it('password is accepted and discarded', () => {
    const result = patch(base(), { op: 'replace', value: { password: 's3cret' } }, { op: 'replace', path: 'password', value: 's3cret' });
    expect(result.changed).toBe(false);
    expect(JSON.stringify(result.document)).not.toContain('s3cret');
  });
});
