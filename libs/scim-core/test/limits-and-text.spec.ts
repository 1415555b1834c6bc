import { applyPatch } from '../src/patch/apply-patch';
import { splitMembershipOperations } from '../src/patch/membership';
import { normaliseOperations } from '../src/patch/quirks';
import { toResourceDocument } from '../src/resource/document';
import { assertText, findForbiddenText, inspectJson, textProblem } from '../src/resource/text';
import { parseFilter } from '../src/filter/parser';
import { bindFilter, parseDateTime } from '../src/filter/bind';
import { scimError } from './scim-error';
import { ScimLimits } from '../src/limits';
import { GroupResourceType, UserResourceType } from '../src/schema/registry';
import { Urn } from '../src/messages/urns';

const ID = '2819c223-7f76-453a-919d-413861904646';
const patch = (document: Record<string, unknown>, ...Operations: unknown[]) =>
  applyPatch(UserResourceType, document, { schemas: [Urn.PatchOp], Operations }, ID);
const user = () => ({
  userName: 'bjensen@example.com',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
});

describe('text rules: what no string may hold (NUL, controls, unpaired surrogates)', () => {
  it.each([
    ['a\u0000b', 'NUL'],
    ['\uD800', 'unpaired'],
    ['x\uDC00', 'unpaired'],
    ['\uDBFFx', 'unpaired'],
    ['bell\u0007', 'U+0007'],
    ['del\u007F', 'U+007F'],
  ])('%j is refused (%s)', (value, reason) => {
    expect(textProblem(value)).toContain(reason);
  });
  it.each(['plain', 'tab\there', 'line\nbreak', 'crlf\r\n', 'emoji 😀', 'Zoë Ünïcödé', ''])('%j is accepted', (value) => {
    expect(textProblem(value)).toBeUndefined();
  });
  it('limits count code points, as varchar(n) does on both databases', () => {
    expect(() => assertText('😀'.repeat(512), 'x', 512)).not.toThrow();
    expect(scimError(() => assertText('a'.repeat(513), 'x', 512)).scimType).toBe('invalidValue');
  });
  it('finds forbidden text in nested values and in keys', () => {
    expect(findForbiddenText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a[1].c contains a NUL character');
    expect(findForbiddenText({ ['k\u0000']: 1 })).toContain('attribute name');
    expect(findForbiddenText({ a: ['fine', 1, null, true] })).toBeUndefined();
  });
  it('measures nesting without recursion: any depth is walked, deeper than the limit is reported', () => {
    const nest = (depth: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
      return value;
    };
    expect(inspectJson(nest(ScimLimits.maxJsonDepth), ScimLimits.maxJsonDepth)).toBeUndefined();
    expect(inspectJson(nest(ScimLimits.maxJsonDepth + 1), ScimLimits.maxJsonDepth)).toEqual({ kind: 'depth', detail: 'JSON nested deeper than 32 levels' });
    // Far deeper than any stack: a recursive walk would throw RangeError here.
    expect(inspectJson(nest(200_000), ScimLimits.maxJsonDepth)?.kind).toBe('depth');
    expect(findForbiddenText(nest(200_000))).toBeUndefined();
    expect(findForbiddenText({ deep: nest(100_000), bad: 'x\u0007' })).toBe('bad contains the control character U+0007');
    // Scalars and empty containers are depth 0 and 1.
    expect(inspectJson('text', 0)).toBeUndefined();
    expect(inspectJson([], 0)).toEqual({ kind: 'depth', detail: 'JSON nested deeper than 0 levels' });
  });
});

describe('schema limits are enforced by the validator (POST, PUT and PATCH alike)', () => {
  it.each([
    ['userName', { userName: 'a'.repeat(513) + '@x.org' }],
    ['externalId', { userName: 'a@x.org', externalId: 'e'.repeat(513) }],
    ['displayName', { userName: 'a@x.org', displayName: 'd'.repeat(513) }],
    ['emails[0].value', { userName: 'a@x.org', emails: [{ value: 'e'.repeat(510) + '@x.org' }] }],
    ['emails[0].type', { userName: 'a@x.org', emails: [{ value: 'a@x.org', type: 't'.repeat(65) }] }],
    ['title', { userName: 'a@x.org', title: 't'.repeat(ScimLimits.maxStringLength + 1) }],
  ])('%s over its column length is 400 invalidValue', (label, body) => {
    const error = scimError(() => toResourceDocument(UserResourceType, body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain(label);
  });
  it('values at the limit are accepted', () => {
    expect(() => toResourceDocument(UserResourceType, { userName: 'u'.repeat(506) + '@x.org', displayName: 'd'.repeat(512) })).not.toThrow();
  });
  it('NUL and unpaired surrogates are refused in any attribute', () => {
    expect(scimError(() => toResourceDocument(UserResourceType, { userName: 'a\u0000@x.org' })).detail).toContain('NUL');
    expect(scimError(() => toResourceDocument(UserResourceType, { userName: 'a@x.org', name: { givenName: '\uD83D' } })).detail).toContain('surrogate');
    expect(scimError(() => toResourceDocument(GroupResourceType, { displayName: 'G\u0000' })).scimType).toBe('invalidValue');
  });
  it('multi-valued attributes take at most maxMultiValuedItems values', () => {
    const phones = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `+1555${i}`, type: 'work' }));
    expect(() => toResourceDocument(UserResourceType, { userName: 'a@x.org', phoneNumbers: phones(ScimLimits.maxMultiValuedItems) })).not.toThrow();
    expect(
      scimError(() => toResourceDocument(UserResourceType, { userName: 'a@x.org', phoneNumbers: phones(ScimLimits.maxMultiValuedItems + 1) })).scimType,
    ).toBe('invalidValue');
  });
  it('an email address appears once per user, whatever the case; a duplicate contributes only primary', () => {
    const document = toResourceDocument(UserResourceType, {
      userName: 'a@x.org',
      emails: [
        { value: 'A@x.org', type: 'work' },
        { value: 'a@X.org', type: 'home', primary: true },
        { value: 'b@x.org', type: 'other' },
      ],
    });
    expect(document.emails).toEqual([
      { value: 'A@x.org', type: 'work', primary: true },
      { value: 'b@x.org', type: 'other' },
    ]);
  });
});

describe('PATCH keeps the rules a POST enforces', () => {
  it('replace emails.primary true on every email leaves exactly one primary', () => {
    const { document } = patch(user(), { op: 'replace', path: 'emails.primary', value: true });
    const primaries = (document.emails as { primary?: boolean }[]).filter((e) => e.primary === true);
    expect(primaries).toHaveLength(1);
  });
  it('replacing a value with another email of the user merges them instead of duplicating', () => {
    const { document } = patch(user(), { op: 'replace', path: 'emails[type eq "home"].value', value: 'BJENSEN@example.com' });
    expect(document.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });
  it('replace emails.value on every element leaves one element', () => {
    const { document } = patch(user(), { op: 'replace', path: 'emails.value', value: 'new@example.com' });
    expect((document.emails as unknown[]).length).toBe(1);
  });
  it('over-long values are refused through PATCH too', () => {
    expect(scimError(() => patch(user(), { op: 'replace', path: 'userName', value: 'a'.repeat(600) })).scimType).toBe('invalidValue');
    expect(scimError(() => patch(user(), { op: 'add', value: { displayName: 'x\u0000' } })).detail).toContain('NUL');
  });
});

describe('no PATCH is quadratic or unbounded', () => {
  it(`more than ${ScimLimits.maxPatchOperations} operations is 413`, () => {
    const ops = Array.from({ length: ScimLimits.maxPatchOperations + 1 }, () => ({ op: 'replace', path: 'title', value: 'x' }));
    expect(scimError(() => patch(user(), ...ops)).status).toBe(413);
  });
  it('20,000 phoneNumbers in one operation are refused by the item limit', () => {
    const value = Array.from({ length: 20_000 }, (_, i) => ({ value: `+1${i}`, type: 'mobile' }));
    expect(scimError(() => patch(user(), { op: 'add', path: 'phoneNumbers', value })).scimType).toBe('invalidValue');
  });
  it('many operations cannot grow a list past the limit midway', () => {
    const ops = Array.from({ length: 1000 }, (_, i) => ({ op: 'add', path: 'phoneNumbers', value: [{ value: `+1${i}`, type: 'work' }] }));
    expect(scimError(() => patch(user(), ...ops)).detail).toContain(`at most ${ScimLimits.maxMultiValuedItems}`);
  });
  it('merging keeps adds of existing values idempotent', () => {
    const phones = Array.from({ length: 50 }, (_, i) => ({ value: `+1${i}`, type: 'work' }));
    const once = patch(user(), { op: 'add', path: 'phoneNumbers', value: phones }).document;
    const twice = patch(once, { op: 'add', path: 'phoneNumbers', value: phones });
    expect(twice.changed).toBe(false);
    expect((twice.document.phoneNumbers as unknown[]).length).toBe(50);
  });
  it('path length and path characters are checked before parsing', () => {
    expect(scimError(() => patch(user(), { op: 'replace', path: 'a'.repeat(ScimLimits.maxPathLength + 1), value: 'x' })).scimType).toBe('invalidPath');
    expect(scimError(() => patch(user(), { op: 'replace', path: 'title\u0000', value: 'x' })).scimType).toBe('invalidPath');
  });
});

describe('group membership limits and path-less remove', () => {
  const split = (...ops: { op: string; path?: string; value?: unknown }[]) =>
    splitMembershipOperations(GroupResourceType, normaliseOperations(ops, { type: GroupResourceType, resourceId: 'g1' }));
  it('a path-less remove with members removes those members', () => {
    expect(split({ op: 'remove', value: { members: [{ value: 'a' }, { value: 'b' }] } }).membership).toEqual([{ kind: 'remove', ids: ['a', 'b'] }]);
  });
  it(`more than ${ScimLimits.maxMemberValues} member ids in one request is 413`, () => {
    const value = Array.from({ length: ScimLimits.maxMemberValues + 1 }, (_, i) => ({ value: `u${i}` }));
    expect(scimError(() => split({ op: 'add', path: 'members', value })).status).toBe(413);
    expect(() => split({ op: 'add', path: 'members', value: value.slice(1) })).not.toThrow();
  });
  it('filtered removes other than value eq are capped and evaluated together', () => {
    const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'remove', path: `members[display eq "u${i}"]` }));
    const planned = split(...ops(ScimLimits.maxMemberFilters)).membership;
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ kind: 'removeMatching' });
    expect(scimError(() => split(...ops(ScimLimits.maxMemberFilters + 1))).status).toBe(413);
  });
});

describe('dates stay within what both databases store', () => {
  it.each(['0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00'])('%s is not a dateTime', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
    expect(scimError(() => bindFilter(parseFilter(`meta.created gt "${text}"`), UserResourceType)).scimType).toBe('invalidFilter');
  });
  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])('%s is a dateTime', (text) => {
    expect(parseDateTime(text)).toBeInstanceOf(Date);
  });
  it('filters with NUL are invalidFilter', () => {
    expect(scimError(() => parseFilter('userName eq "a\u0000"')).scimType).toBe('invalidFilter');
    expect(scimError(() => parseFilter('userName eq "\\u0000"')).scimType).toBe('invalidFilter');
    expect(scimError(() => parseFilter('userName eq "\\ud800"')).scimType).toBe('invalidFilter');
  });
});
