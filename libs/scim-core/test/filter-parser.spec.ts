import fixtures from './fixtures/rfc7644-3.4.2.2-filters.json';
import { parseFilter } from '../src/filter/parser';
import { ScimError } from '../src/errors';

describe('RFC 7644 §3.4.2.2 filter parser', () => {
  it.each(fixtures.valid.map((c) => [c.source, c.ast]))('parses %s', (source, ast) => {
    expect(parseFilter(source as string)).toEqual(ast);
  });

  it.each(fixtures.invalid)('rejects %j with 400 invalidFilter', (source) => {
    let error: unknown;
    try {
      parseFilter(source);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe('invalidFilter');
  });

  it('rejects absurdly deep nesting without overflowing the stack', () => {
    const deep = '('.repeat(500) + 'userName eq "a"' + ')'.repeat(500);
    expect(() => parseFilter(deep)).toThrow(ScimError);
  });
});
