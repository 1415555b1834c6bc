import { deepClone, deepEqual } from '../src/resource/json';

describe('deepClone', () => {
  it('copies nested objects and arrays: changing the copy leaves the original as it was', () => {
    const original = { userName: 'a', emails: [{ value: 'a@x', primary: true }], name: { givenName: 'A' }, n: 1, none: null };
    const copy = deepClone(original);
    expect(copy).toEqual(original);
    copy.emails[0].value = 'b@x';
    copy.emails.push({ value: 'c@x', primary: false });
    copy.name.givenName = 'B';
    expect(original).toEqual({ userName: 'a', emails: [{ value: 'a@x', primary: true }], name: { givenName: 'A' }, n: 1, none: null });
  });

  it('keeps a parsed "__proto__" key as a key, and gives the copy no other prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = deepClone(parsed);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(deepEqual(copy, parsed)).toBe(true);
  });
});
