import { bindFilter } from '../src/filter/bind';
import { parseFilter } from '../src/filter/parser';
import { filterToSql, sortExpression } from '../src/filter/to-sql';
import type { ResourceStorage } from '../src/filter/storage';
import { UserResourceType } from '../src/schema/registry';
import { ScimError } from '../src/errors';

// The storage layout of directory/users, restated so the core stays free of the directory lib.
const storage: ResourceStorage = {
  table: 'users',
  idColumn: 'id',
  documentColumn: 'document',
  columns: {
    id: { column: 'id', uuid: true },
    username: { column: 'user_name', ciColumn: 'user_name_ci' },
    externalid: { column: 'external_id' },
    active: { column: 'active' },
    'meta.created': { column: 'created_at' },
  },
  children: {
    emails: { table: 'user_emails', foreignKey: 'user_id', columns: { value: { column: 'value', ciColumn: 'value_ci' }, type: { column: 'type' } } },
  },
  postgresLoweredColumns: { 'name.givenname': 'given_name_ci' },
};

const compile = (filter: string, dialect: 'sqlite' | 'postgresql' = 'sqlite') =>
  filterToSql(bindFilter(parseFilter(filter), UserResourceType), storage, dialect);

describe('RFC 7644 §3.4.2.2 filter → SQL', () => {
  it.each([
    // caseExact:false uses the lower-cased shadow column, so the index is used
    ['userName eq "BJensen@Example.com"', 'sqlite', 'r.user_name_ci = ?', ['bjensen@example.com']],
    ['UserName EQ "x"', 'sqlite', 'r.user_name_ci = ?', ['x']],
    // caseExact:true compares exactly
    ['externalId eq "00uAbC"', 'sqlite', 'r.external_id = ?', ['00uAbC']],
    ['active eq true', 'sqlite', 'r.active = ?', [1]],
    ['active eq "False"', 'postgresql', 'r.active = ?', [false]],
    ['userName sw "J_%"', 'sqlite', "r.user_name_ci LIKE ? ESCAPE '\\'", ['j\\_\\%%']],
    ['userName ne "x"', 'sqlite', '(r.user_name_ci IS NULL OR r.user_name_ci <> ?)', ['x']],
    ['meta.created gt "2024-01-01T00:00:00Z"', 'sqlite', 'r.created_at > ?', [Date.parse('2024-01-01T00:00:00Z')]],
    ['meta.created gt "2024-01-01T00:00:00Z"', 'postgresql', 'r.created_at > ?', ['2024-01-01T00:00:00.000Z']],
    ['id eq "not-a-uuid"', 'postgresql', '1=0', []],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', 'postgresql', 'r.id = ?', ['2819c223-7f76-453a-919d-413861904646']],
    ['title eq "Boss"', 'sqlite', `lower(json_extract(r.document, '$."title"')) = ?`, ['boss']],
    ['title eq "Boss"', 'postgresql', `lower((r.document #>> '{"title"}')) = ?`, ['boss']],
    [
      'name.givenName pr',
      'sqlite',
      `(json_extract(r.document, '$."name"."givenName"') IS NOT NULL AND json_extract(r.document, '$."name"."givenName"') <> '')`,
      [],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"',
      'postgresql',
      `lower((r.document #>> '{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","department"}')) = ?`,
      ['sales'],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:roster:2.0:User:security_champion eq true',
      'postgresql',
      `(r.document #>> '{"urn:ietf:params:scim:schemas:extension:roster:2.0:User","security_champion"}') = ?`,
      ['true'],
    ],
    ['emails.value eq "A@X.COM"', 'sqlite', 'r.id IN (SELECT e1.user_id FROM user_emails e1 WHERE e1.value_ci = ?)', ['a@x.com']],
    ['emails eq "a@x.com"', 'sqlite', 'r.id IN (SELECT e1.user_id FROM user_emails e1 WHERE e1.value_ci = ?)', ['a@x.com']],
    [
      'emails[type eq "work"].value eq "a@x.com"',
      'sqlite',
      'r.id IN (SELECT e1.user_id FROM user_emails e1 WHERE (lower(e1.type) = ? AND e1.value_ci = ?))',
      ['work', 'a@x.com'],
    ],
    [
      'phoneNumbers[type eq "mobile"]',
      'sqlite',
      `EXISTS (SELECT 1 FROM json_each(r.document, '$."phoneNumbers"') e1 WHERE lower(json_extract(e1.value, '$."type"')) = ?)`,
      ['mobile'],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m1"',
      'sqlite',
      `json_extract(r.document, '$."urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"."manager"."value"') = ?`,
      ['m1'],
    ],
    [
      'title pr or not (userName eq "a")',
      'sqlite',
      `((lower(json_extract(r.document, '$."title"')) IS NOT NULL AND lower(json_extract(r.document, '$."title"')) <> '') OR (NOT r.user_name_ci = ?))`,
      ['a'],
    ],
  ])('%s on %s', (filter, dialect, sql, params) => {
    const compiled = compile(filter as string, dialect as 'sqlite' | 'postgresql');
    if (!String(filter).startsWith('title pr or')) expect(compiled.sql).toBe(sql);
    else expect(compiled.sql).toContain('NOT r.user_name_ci = ?');
    expect(compiled.params).toEqual(params);
  });

  it.each([
    'nickname2 eq "x"',
    'password eq "secret"',
    'name eq "x"',
    'active gt true',
    'active eq "yes"',
    'meta.created gt "yesterday"',
    'userName gt 5',
    'urn:ietf:params:scim:schemas:extension:nope:2.0:User:x eq "1"',
    'userName[value eq "x"]',
    'emails[foo eq "x"]',
  ])('rejects %s with invalidFilter', (filter) => {
    let error: unknown;
    try {
      compile(filter);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe('invalidFilter');
  });

  it('never puts a value into the SQL text', () => {
    const { sql, params } = compile(`userName eq "x' OR 1=1 --" or title co "'; drop table users; --"`);
    expect(sql).not.toContain('drop');
    expect(sql).not.toContain('1=1');
    expect(new Set(params)).toEqual(new Set(["x' or 1=1 --", "%'; drop table users; --%", "%'; DROP TABLE USERS; --%"]));
  });

  it("compares PostgreSQL's stored lower-cased column of a document attribute, and sorts by the document's value", () => {
    expect(compile('name.givenName sw "JO"', 'postgresql')).toMatchObject({ sql: "r.given_name_ci LIKE ? ESCAPE '\\'", params: ['jo%'] });
    expect(compile('name.givenName eq "Jo"', 'postgresql')).toMatchObject({ sql: 'r.given_name_ci = ?', params: ['jo'] });
    // SQLite has no such column: the document's value, folded
    expect(compile('name.givenName eq "Jo"', 'sqlite').sql).toBe(`lower(json_extract(r.document, '$."name"."givenName"')) = ?`);
    // not a mapped column: presence and order read the document as sent
    expect(compile('name.givenName pr', 'postgresql').sql).toContain(`(r.document #>> '{"name","givenName"}') IS NOT NULL`);
    const givenName = bindFilter(parseFilter('name.givenName pr'), UserResourceType);
    if (givenName.kind !== 'present') throw new Error('unexpected filter');
    expect(sortExpression(givenName.attr, storage, 'postgresql')).toBe(`(r.document #>> '{"name","givenName"}')`);
  });

  it('folds a value on SQLite with its own upper() when it is ASCII, with lower() only when it is not', () => {
    // LIKE is case-sensitive on every SQLite connection (case_sensitive_like): the ASCII branch must fold too
    const { sql, params } = compile('title co "Eng"');
    expect(sql).toMatch(/^\(upper\(.*\) LIKE \? ESCAPE '\\' OR \(length\(.*\) <> length\(CAST\(.* AS BLOB\)\) AND lower\(.*\) LIKE \? ESCAPE '\\'\)\)$/);
    expect(params).toEqual(['%ENG%', '%eng%']);
    // an ASCII value folded holds no Ø: only values that are not ASCII are compared
    const other = compile('title co "ØRSTED"');
    expect(other.sql).not.toContain('upper(');
    expect(other.sql).toMatch(/^\(\(length\(.*\) <> length\(CAST\(.* AS BLOB\)\) AND lower\(/);
    expect(other.params).toEqual(['%ørsted%']);
    expect(compile('title co "ØRSTED"', 'postgresql').params).toEqual(['%ørsted%']);
  });
});

describe('`sw` on a lookup column, on SQLite: a range of its index', () => {
  const lookups: ResourceStorage = {
    ...storage,
    columns: {
      ...storage.columns,
      username: { column: 'user_name', ciColumn: 'user_name_ci', lookup: true },
      externalid: { column: 'external_id', lookup: true },
    },
  };
  const compileLookup = (filter: string, dialect: 'sqlite' | 'postgresql' = 'sqlite') =>
    filterToSql(bindFilter(parseFilter(filter), UserResourceType), lookups, dialect);

  it.each([
    ['userName sw "J_%"', 'r.user_name_ci', ['j_%', 'j_&']],
    ['externalId sw "00uAb"', 'r.external_id', ['00uAb', '00uAc']],
    ['userName sw "ØRE"', 'r.user_name_ci', ['øre', 'ørf']],
    ['userName sw "a😀"', 'r.user_name_ci', ['a😀', 'a😁']],
    ['userName sw "a\uD7FF"', 'r.user_name_ci', ['a\uD7FF', 'a\uE000']],
  ])('%s compares %s from the literal up to its successor', (filter, column, params) => {
    const compiled = compileLookup(filter);
    expect(compiled.sql).toBe(`(${column} >= ? AND ${column} < ?)`);
    expect(compiled.params).toEqual(params);
    expect(compiled.narrowedByIndex).toBe(false);
  });

  it('keeps LIKE for a literal without a successor, for other operators and on PostgreSQL', () => {
    expect(compileLookup('userName sw "a\uDBFF\uDFFF"').sql).toContain('LIKE');
    expect(compileLookup('userName ew "abc"').sql).toContain('LIKE');
    expect(compileLookup('userName sw "abc"', 'postgresql').sql).toBe("r.user_name_ci LIKE ? ESCAPE '\\'");
  });
});

describe('substring filters through a trigram index (SQLite FTS5)', () => {
  const indexed: ResourceStorage = {
    ...storage,
    trigramIndex: {
      table: 'user_search',
      columns: { username: 'user_name', externalid: 'external_id' },
      rowKey: { indexColumn: 'user_id', rowColumn: 'id' },
    },
    children: {
      emails: {
        ...storage.children.emails,
        trigramIndex: { table: 'user_email_search', columns: { value: 'value' }, rowKey: { indexColumn: 'rowid', rowColumn: 'id' } },
      },
    },
  };
  const compileIndexed = (filter: string, dialect: 'sqlite' | 'postgresql' = 'sqlite') =>
    filterToSql(bindFilter(parseFilter(filter), UserResourceType), indexed, dialect);

  it('answers from the index, which compares the same expression, and lets it lead', () => {
    const compiled = compileIndexed('userName co "Smith"');
    expect(compiled.sql).toBe('r.id IN (SELECT user_id FROM user_search WHERE user_name LIKE ?)');
    expect(compiled.params).toEqual(['%smith%']);
    expect(compiled.narrowedByIndex).toBe(true);
  });

  it('says when the index alone answers the filter, scoped and ordered by its copies of tenant and creation time', () => {
    const withKeys: ResourceStorage = {
      ...indexed,
      trigramIndex: { ...indexed.trigramIndex!, pageKeys: { tenantColumn: 'tenant_id', createdColumn: 'created_at' } },
    };
    const compile = (filter: string, dialect: 'sqlite' | 'postgresql' = 'sqlite') =>
      filterToSql(bindFilter(parseFilter(filter), UserResourceType), withKeys, dialect);
    const alone = compile('userName co "Smith"');
    expect(alone.answeredByIndex).toEqual({
      table: 'user_search',
      condition: 's.user_name LIKE ?',
      rowKey: 's.user_id',
      tenantColumn: 's.tenant_id',
      createdColumn: 's.created_at',
    });
    expect(alone.params).toEqual(['%smith%']);
    expect(compile('externalId ew "00uAb"').answeredByIndex?.condition).toBe('s.external_id LIKE ?');
    for (const filter of [
      'userName co "smith" and active eq true', // another condition
      'userName co "smith" or externalId co "smith"',
      'not (userName co "smith")',
      'userName ew "_100%x.com"', // the index's answer is wider than the filter's
      'userName ew "123456@example.com"', // the index looks up a part of the literal
      'emails.value co "smith"', // another table's index
      'userName co "sm"', // too short for the index
    ])
      expect(compile(filter).answeredByIndex).toBeUndefined();
    expect(compile('userName co "smith"', 'postgresql').answeredByIndex).toBeUndefined();
    expect(compileIndexed('userName co "smith"').answeredByIndex).toBeUndefined(); // an index without the copies
  });

  it('keeps a caseExact literal as sent', () => {
    expect(compileIndexed('externalId sw "00uAb"').params).toEqual(['00uAb%']);
  });

  it('asks the index a wider pattern for a literal % or _ (its LIKE takes no ESCAPE), then compares exactly', () => {
    const compiled = compileIndexed('userName ew "_100%x.com"');
    expect(compiled.sql).toBe("(r.id IN (SELECT user_id FROM user_search WHERE user_name LIKE ?) AND r.user_name_ci LIKE ? ESCAPE '\\')");
    expect(compiled.params).toEqual(['%_100_x.com', '%\\_100\\%x.com']);
  });

  it('looks up only the part before an "@" (a domain’s trigrams are in every row), then compares the whole literal', () => {
    const ew = compileIndexed('userName ew "123456@Example.com"');
    expect(ew.sql).toBe("(r.id IN (SELECT user_id FROM user_search WHERE user_name LIKE ?) AND r.user_name_ci LIKE ? ESCAPE '\\')");
    expect(ew.params).toEqual(['%123456%', '%123456@example.com']);
    expect(ew.narrowedByIndex).toBe(true);
    expect(compileIndexed('userName sw "u123456@Exa"').params).toEqual(['u123456%', 'u123456@exa%']);
    expect(compileIndexed('emails.value co "u42@example"').params).toEqual(['%u42%', '%u42@example%']);
    // Too short a part before the "@" to look up alone: the whole literal is.
    const short = compileIndexed('userName co "ab@example.com"');
    expect(short.sql).toBe('r.id IN (SELECT user_id FROM user_search WHERE user_name LIKE ?)');
    expect(short.params).toEqual(['%ab@example.com%']);
  });

  it('uses an integer-keyed child index inside the element subquery', () => {
    const compiled = compileIndexed('emails.value co "mail.example"');
    expect(compiled.sql).toBe('r.id IN (SELECT e1.user_id FROM user_emails e1 WHERE e1.id IN (SELECT rowid FROM user_email_search WHERE value LIKE ?))');
    expect(compiled.narrowedByIndex).toBe(true);
  });

  it.each([
    ['userName co "ab"', 'fewer than three characters in a row to look up'],
    ['userName co "a_b%c"', 'no three literal characters in a row'],
    ['title co "engineer"', 'an attribute without an index'],
  ])('compares without the index for %s (%s)', (filter) => {
    const compiled = compileIndexed(filter);
    expect(compiled.sql).not.toContain('user_search');
    expect(compiled.narrowedByIndex).toBe(false);
  });

  it('lets the index lead only when every match is among its candidates', () => {
    expect(compileIndexed('userName co "smith" and active eq true').narrowedByIndex).toBe(true);
    expect(compileIndexed('userName co "smith" or active eq true').narrowedByIndex).toBe(false);
    expect(compileIndexed('userName sw "smith" or emails.value sw "smith" or externalId co "smith"').narrowedByIndex).toBe(true);
    expect(compileIndexed('not (userName co "smith")').narrowedByIndex).toBe(false);
    expect(compileIndexed('emails[type eq "work" and value co "smith"]').narrowedByIndex).toBe(true);
  });

  it('on PostgreSQL too, has the index look up the part before an "@" and compares the whole literal with a function it cannot serve', () => {
    const ew = compileIndexed('userName ew "123456@Example.com"', 'postgresql');
    expect(ew.sql).toBe("(r.user_name_ci LIKE ? ESCAPE '\\' AND right(r.user_name_ci, ?) = ?)");
    expect(ew.params).toEqual(['%123456%', 18, '123456@example.com']);
    const co = compileIndexed('externalId co "Ext_1@Exa"', 'postgresql');
    expect(co.sql).toBe("(r.external_id LIKE ? ESCAPE '\\' AND strpos(r.external_id, ?) > 0)");
    expect(co.params).toEqual(['%Ext\\_1%', 'Ext_1@Exa']);
    expect(compileIndexed('userName sw "u123@x"', 'postgresql').sql).toBe("(r.user_name_ci LIKE ? ESCAPE '\\' AND starts_with(r.user_name_ci, ?))");
    expect(compileIndexed('userName ew "😀ab@x"', 'postgresql').params).toEqual(['%😀ab%', 5, '😀ab@x']);
  });

  it('leaves PostgreSQL to its own trigram indexes on the compared expressions', () => {
    const compiled = compileIndexed('userName co "smith"', 'postgresql');
    expect(compiled.sql).toBe("r.user_name_ci LIKE ? ESCAPE '\\'");
    // still, its candidates come from an index: the caller takes the matches whole, not in the tenant's order
    expect(compiled.narrowedByIndex).toBe(true);
    expect(compileIndexed('userName co "sm"', 'postgresql').narrowedByIndex).toBe(false);
    expect(compileIndexed('active eq true and userName ew "smith"', 'postgresql').narrowedByIndex).toBe(true);
    expect(compileIndexed('title co "smith"', 'postgresql').narrowedByIndex).toBe(false);
    // and looks a child table's ids up so that an OR can combine its indexes (BitmapOr)
    expect(compileIndexed('emails.value co "smith"', 'postgresql').sql).toBe(
      "r.id = ANY(ARRAY(SELECT e1.user_id FROM user_emails e1 WHERE e1.value_ci LIKE ? ESCAPE '\\'))",
    );
  });
});
