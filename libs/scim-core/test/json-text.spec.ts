import fc from 'fast-check';
import { memberSpan } from '../src/resource/json-text';

const valueOf = (text: string, name: string, from?: number, to?: number) => {
  const span = memberSpan(text, name, from, to);
  return span && JSON.parse(text.slice(span.start, span.end));
};

/** PostgreSQL's jsonb text: a space after every colon and comma. */
const jsonbText = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([name, member]) => `${JSON.stringify(name)}: ${jsonbText(member)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
};

describe('memberSpan', () => {
  it('finds a member of the object itself, not a nested member of the same name', () => {
    const text = '{"name": {"value": "nested"}, "emails": [{"value": "a@x"}], "value": "top"}';
    expect(valueOf(text, 'value')).toBe('top');
    expect(valueOf(text, 'name')).toEqual({ value: 'nested' });
    expect(valueOf(text, 'missing')).toBeUndefined();
  });

  it('reads within a span: a member of a member', () => {
    const text = '{"urn:x": {"manager": {"value": "id-1", "displayName": "B}\\"oss"}, "department": "R&D"}, "active": true}';
    const outer = memberSpan(text, 'urn:x')!;
    expect(valueOf(text, 'manager', outer.start, outer.end)).toEqual({ value: 'id-1', displayName: 'B}"oss' });
    expect(valueOf(text, 'active', outer.start, outer.end)).toBeUndefined();
    expect(valueOf(text, 'active')).toBe(true);
  });

  it('skips strings holding braces, quotes and escapes, and literals of every kind', () => {
    const text = '{"a": "}{][\\\\", "b": -1.5e3, "c": null, "d": false, "e": [1, [2, {"f": "]"}]], "g": {}}';
    expect(valueOf(text, 'b')).toBe(-1500);
    expect(valueOf(text, 'e')).toEqual([1, [2, { f: ']' }]]);
    expect(valueOf(text, 'g')).toEqual({});
  });

  it('answers nothing for a value that is not an object, or text that is not JSON', () => {
    expect(memberSpan('[{"a": 1}]', 'a')).toBeUndefined();
    expect(memberSpan('"a"', 'a')).toBeUndefined();
    expect(memberSpan('{}', 'a')).toBeUndefined();
    expect(memberSpan('{"a": }', 'a')).toBeUndefined();
    expect(memberSpan('{"a": 1', 'a')).toBeUndefined();
    expect(memberSpan('{"a" 1}', 'a')).toBeUndefined();
  });

  it('takes the last of duplicate members, as JSON.parse does', () => {
    expect(valueOf('{"a": 1, "b": 2, "a": 3}', 'a')).toBe(3);
  });

  it('agrees with JSON.parse on any object, as JSON.stringify and as jsonb write it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (object, probe) => {
        const names = [...Object.keys(object), probe];
        for (const text of [JSON.stringify(object), jsonbText(object)]) {
          for (const name of names) {
            if (JSON.stringify(name) !== `"${name}"`) continue; // names that need escapes are compared as written
            const expected = Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
            expect(valueOf(text, name)).toEqual(expected === undefined ? undefined : JSON.parse(JSON.stringify(expected)));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
