import { ScimError } from '../errors';
import type { ResolvedAttribute } from '../schema/resource-type';
import type { BoundFilter, BoundValue } from './bind';
import type { ColumnMapping, Dialect, ResourceStorage, TrigramIndex } from './storage';

export interface SqlFragment {
  sql: string;
  params: unknown[];
  /**
   * A condition the whole filter requires is answered by a trigram index (a `co`, `sw` or `ew` of three
   * characters or more), which finds far fewer rows than the tenant's own index would read. SQLite has no
   * statistics to know that, so the caller should mark the tenant condition there as matching most rows
   * (`likely(…)`) for the planner to start from the trigram index. On both databases the filter's matches
   * are then best found whole, through that index, rather than by walking the tenant in page order.
   */
  narrowedByIndex: boolean;
  /**
   * SQLite: the filter is one substring comparison whose matches are exactly the rows of a trigram index that
   * copies its rows' tenant and creation time (TrigramIndex.pageKeys), which can then be scoped, counted and
   * sorted without reading the resource's table. `condition` is over the index table aliased `s`, with the
   * fragment's own `params`; the columns are qualified the same way.
   */
  answeredByIndex?: { table: string; condition: string; rowKey: string; tenantColumn: string; createdColumn: string };
}

const ROOT = 'r';
// The alias of a trigram index's table in SqlFragment.answeredByIndex.
const INDEX_ALIAS = 's';
// Text SQLite's own upper() folds completely.
const ASCII = /^[\x00-\x7f]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Compiles a bound filter into a parameterised SQL condition over `<table> r`. Tenancy is not the
 * compiler's business: callers AND `r.tenant_id = ?` around the whole fragment, in parentheses.
 */
export function filterToSql(filter: BoundFilter, storage: ResourceStorage, dialect: Dialect): SqlFragment {
  const params: unknown[] = [];
  const compiler = new SqlCompiler(storage, dialect, params);
  const sql = compiler.compile(filter, { alias: ROOT, element: undefined });
  const answeredByIndex = compiler.answeredByIndex(filter);
  return { sql, params, narrowedByIndex: compiler.narrowed(filter), ...(answeredByIndex && { answeredByIndex }) };
}

/** SQL expression for sorting by a single-valued attribute. */
export function sortExpression(attr: ResolvedAttribute, storage: ResourceStorage, dialect: Dialect): string {
  if (attr.attribute.multiValued) throw ScimError.invalidValue(`Cannot sort by multi-valued attribute "${attr.key}"`);
  return new SqlCompiler(storage, dialect, []).valueExpression(attr, { alias: ROOT, element: undefined }, false).sql;
}

interface Scope {
  alias: string;
  /** Inside an EXISTS over a multi-valued attribute: how its elements are stored. */
  element: { kind: 'table'; columns: Record<string, ColumnMapping>; trigramIndex?: TrigramIndex } | { kind: 'json' } | undefined;
}

// The shortest run of literal characters a trigram index can look up.
const TRIGRAM = /[^%_]{3}/u;

class SqlCompiler {
  private aliasCounter = 0;
  // The comparisons whose candidates come from a trigram index.
  private readonly fromTrigramIndex = new Set<BoundFilter>();
  // SQLite: the comparisons a trigram index answers exactly, with the index column compared.
  private readonly exactlyFromIndex = new Map<BoundFilter, { index: TrigramIndex; column: string }>();

  constructor(
    private readonly storage: ResourceStorage,
    private readonly dialect: Dialect,
    private readonly params: unknown[],
  ) {}

  compile(filter: BoundFilter, scope: Scope): string {
    switch (filter.kind) {
      case 'and':
      case 'or':
        return `(${this.compile(filter.left, scope)} ${filter.kind.toUpperCase()} ${this.compile(filter.right, scope)})`;
      case 'not':
        return `(NOT ${this.compile(filter.filter, scope)})`;
      case 'some':
        return this.exists(filter.attr, (inner) => this.compile(filter.filter, inner));
      case 'present':
        return this.present(filter.attr, scope);
      case 'compare':
        return this.compare(filter, scope);
    }
  }

  /** Whether every row the (compiled) filter matches is among a trigram index's candidates (SqlFragment). */
  narrowed(filter: BoundFilter): boolean {
    switch (filter.kind) {
      case 'and':
        return this.narrowed(filter.left) || this.narrowed(filter.right);
      case 'or':
        return this.narrowed(filter.left) && this.narrowed(filter.right);
      case 'some':
        return this.narrowed(filter.filter);
      case 'compare':
        return this.fromTrigramIndex.has(filter);
      default:
        return false;
    }
  }

  /** SqlFragment.answeredByIndex: for a filter that is one comparison, on the resource's own trigram index. */
  answeredByIndex(filter: BoundFilter): SqlFragment['answeredByIndex'] {
    const exact = filter.kind === 'compare' ? this.exactlyFromIndex.get(filter) : undefined;
    const keys = exact?.index.pageKeys;
    if (!exact || !keys || exact.index !== this.storage.trigramIndex) return undefined;
    const column = (name: string) => `${INDEX_ALIAS}.${name}`;
    return {
      table: exact.index.table,
      condition: `${column(exact.column)} LIKE ?`,
      rowKey: column(exact.index.rowKey.indexColumn),
      tenantColumn: column(keys.tenantColumn),
      createdColumn: column(keys.createdColumn),
    };
  }

  private exists(attr: ResolvedAttribute, body: (scope: Scope) => string): string {
    const alias = `e${++this.aliasCounter}`;
    const child = this.storage.children[attr.key.toLowerCase()];
    if (child) {
      // An uncorrelated subquery lets the planner drive from the child table's value index. PostgreSQL cannot
      // combine `id IN (subquery)` with other indexes under an OR (it scans the table instead), but it can
      // `id = ANY(ARRAY(subquery))`: the array is computed once and the id looked up by its index.
      const where = body({ alias, element: { kind: 'table', columns: child.columns, trigramIndex: child.trigramIndex } });
      const ids = `SELECT ${alias}.${child.foreignKey} FROM ${child.table} ${alias} WHERE ${where}`;
      return this.dialect === 'postgresql' ? `${ROOT}.${this.storage.idColumn} = ANY(ARRAY(${ids}))` : `${ROOT}.${this.storage.idColumn} IN (${ids})`;
    }
    const array = this.jsonPath(attr, undefined);
    const source =
      this.dialect === 'sqlite'
        ? `json_each(${ROOT}.${this.storage.documentColumn}, ${array.sqlitePath}) ${alias}`
        : `jsonb_array_elements(COALESCE(${ROOT}.${this.storage.documentColumn} #> ${array.pgPath}, '[]'::jsonb)) ${alias}(value)`;
    return `EXISTS (SELECT 1 FROM ${source} WHERE ${body({ alias, element: { kind: 'json' } })})`;
  }

  private present(attr: ResolvedAttribute, scope: Scope): string {
    const def = attr.sub ?? attr.attribute;
    if (attr.attribute.multiValued && !scope.element) return this.exists(attr, () => '1=1');
    if (def.type === 'complex') {
      const { sql } = this.valueExpression(attr, scope, true);
      return `(${sql} IS NOT NULL)`;
    }
    const { sql } = this.valueExpression(attr, scope, false);
    const textual = (def.type === 'string' || def.type === 'reference') && !this.mapping(attr, scope)?.uuid;
    return textual ? `(${sql} IS NOT NULL AND ${sql} <> '')` : `(${sql} IS NOT NULL)`;
  }

  private compare(filter: Extract<BoundFilter, { kind: 'compare' }>, scope: Scope): string {
    const def = filter.attr.sub ?? filter.attr.attribute;
    const caseInsensitive = (def.type === 'string' || def.type === 'reference') && !def.caseExact;
    const { sql: lhs, lowered } = this.valueExpression(filter.attr, scope, false, caseInsensitive);
    const leftExpr = caseInsensitive && !lowered ? `lower(${lhs})` : lhs;
    const value = caseInsensitive && typeof filter.value === 'string' ? filter.value.toLowerCase() : filter.value;
    const uuidColumn = this.mapping(filter.attr, scope)?.uuid === true;
    if (uuidColumn && (filter.op === 'eq' || filter.op === 'ne')) {
      // Ids are uuids: a literal that is not one matches nothing (and must not be cast by PostgreSQL).
      if (typeof value !== 'string' || !UUID.test(value)) return filter.op === 'eq' ? '1=0' : '1=1';
      const param = this.param(value.toLowerCase(), false);
      return filter.op === 'eq' ? `${lhs} = ${param}` : `${lhs} <> ${param}`;
    }
    const json = this.isJson(filter.attr, scope);
    let left = uuidColumn ? `CAST(${lhs} AS TEXT)` : leftExpr;
    let param: string;
    if (json && value instanceof Date) {
      // dateTime values inside the JSON document are ISO strings: compare them as instants.
      left = this.dialect === 'sqlite' ? `julianday(${lhs})` : `CAST(${lhs} AS timestamptz)`;
      this.params.push(value.toISOString());
      param = this.dialect === 'sqlite' ? 'julianday(?)' : '?';
    } else {
      // PostgreSQL's #>> yields text: numbers must be compared as numbers.
      if (json && typeof value === 'number' && this.dialect === 'postgresql') left = `CAST(${lhs} AS numeric)`;
      param = this.param(value, def.type === 'boolean' && json);
    }
    switch (filter.op) {
      case 'eq':
        return `${left} = ${param}`;
      case 'ne':
        return `(${left} IS NULL OR ${left} <> ${param})`;
      case 'gt':
        return `${left} > ${param}`;
      case 'ge':
        return `${left} >= ${param}`;
      case 'lt':
        return `${left} < ${param}`;
      case 'le':
        return `${left} <= ${param}`;
      case 'co':
      case 'sw':
      case 'ew': {
        this.params.pop();
        if (this.dialect === 'postgresql') {
          if (this.trigramColumn(filter.attr, scope) && TRIGRAM.test(indexedPart(filter.op, String(value)).literal)) this.fromTrigramIndex.add(filter);
          return this.pgSubstring(left, filter.op, String(value));
        }
        if (filter.op === 'sw' && (lowered || !caseInsensitive) && !scope.element && this.mapping(filter.attr, scope)?.lookup && !uuidColumn) {
          const range = this.prefixRange(lhs, String(value));
          if (range) return range;
        }
        const candidates = this.trigramCandidates(filter.attr, scope, filter.op, String(value));
        if (candidates) this.fromTrigramIndex.add(filter);
        if (candidates?.exact) {
          this.exactlyFromIndex.set(filter, { index: candidates.index, column: candidates.column });
          return candidates.sql;
        }
        // The index's parameter first: it comes first in the SQL.
        const pattern = likePattern(filter.op, escapeLike(String(value)));
        const exact = caseInsensitive && !lowered ? this.sqliteFoldedLike(lhs, pattern) : `${left} LIKE ${this.param(pattern, false)} ESCAPE '\\'`;
        return candidates ? `(${candidates.sql} AND ${exact})` : exact;
      }
    }
  }

  /**
   * PostgreSQL answers a substring match from the trigram index on the compared expression. When only a part
   * of the literal is worth looking up (indexedPart), that part is the LIKE the index serves, and the whole
   * literal is compared by a function no trigram index serves: as a second LIKE, the planner would add its
   * trigrams to the index scan again.
   */
  private pgSubstring(left: string, op: 'co' | 'sw' | 'ew', value: string): string {
    const lookup = indexedPart(op, value);
    const like = `${left} LIKE ${this.param(likePattern(lookup.op, escapeLike(lookup.literal)), false)} ESCAPE '\\'`;
    if (lookup.literal === value) return like;
    const whole =
      op === 'co'
        ? `strpos(${left}, ${this.param(value, false)}) > 0`
        : op === 'sw'
          ? `starts_with(${left}, ${this.param(value, false)})`
          : `right(${left}, ${this.param([...value].length, false)}) = ${this.param(value, false)}`; // characters, not UTF-16 units
    return `(${like} AND ${whole})`;
  }

  /**
   * SQLite: `sw` on a lookup column (its index leads with the tenant) as a range of that index. Text compares
   * by its UTF-8 bytes, in code point order, so the values starting with the literal are exactly those from
   * it up to the literal with its last character's successor: no LIKE, so `%` and `_` are plain characters.
   * A prefix shared by thousands of users (their run's, their domain's) was an intersection of as many
   * trigram lists (docs/benchmarks.md). Undefined when the literal has no successor (empty, or ending in
   * U+10FFFF or half a surrogate pair).
   */
  private prefixRange(column: string, literal: string): string | undefined {
    const characters = [...literal];
    const last = characters.pop()?.codePointAt(0);
    if (last === undefined || last >= 0x10ffff || (last >= 0xd800 && last <= 0xdfff)) return undefined;
    const end = characters.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1); // surrogates are no characters
    return `(${column} >= ${this.param(literal, false)} AND ${column} < ${this.param(end, false)})`;
  }

  /**
   * SQLite: the rows a substring match finds through the attribute's trigram index, when it has one and the
   * literal holds three characters in a row to look up (TrigramIndex). `exact` says whether they are the
   * answer: the index's LIKE takes no ESCAPE clause, so a literal `%` or `_` is asked as `_` (any one
   * character), a wider pattern whose extra candidates the exact comparison must drop.
   */
  private trigramCandidates(
    attr: ResolvedAttribute,
    scope: Scope,
    op: 'co' | 'sw' | 'ew',
    value: string,
  ): { sql: string; exact: boolean; index: TrigramIndex; column: string } | undefined {
    if (this.dialect !== 'sqlite' || !TRIGRAM.test(value)) return undefined;
    const found = this.trigramColumn(attr, scope);
    if (!found) return undefined;
    const { index, column } = found;
    const lookup = indexedPart(op, value);
    const pattern = this.param(likePattern(lookup.op, lookup.literal.replace(/[%_]/g, '_')), false);
    return {
      sql: `${scope.alias}.${index.rowKey.rowColumn} IN (SELECT ${index.rowKey.indexColumn} FROM ${index.table} WHERE ${column} LIKE ${pattern})`,
      exact: lookup.literal === value && !/[%_]/.test(value),
      index,
      column,
    };
  }

  /**
   * The attribute's trigram index in this scope, when it has one. PostgreSQL indexes the same attributes with
   * pg_trgm (on the compared expressions, which its planner matches by itself): there the answer only says
   * that the candidates of a substring match come from an index.
   */
  private trigramColumn(attr: ResolvedAttribute, scope: Scope): { index: TrigramIndex; column: string } | undefined {
    const index = scope.element?.kind === 'table' ? scope.element.trigramIndex : scope.element ? undefined : this.storage.trigramIndex;
    const column = index?.columns[scope.element ? (attr.sub?.name.toLowerCase() ?? 'value') : attr.key.toLowerCase()];
    return index && column ? { index, column } : undefined;
  }

  private mapping(attr: ResolvedAttribute, scope: Scope): ColumnMapping | undefined {
    if (scope.element?.kind === 'table') return scope.element.columns[attr.sub?.name.toLowerCase() ?? 'value'];
    if (scope.element) return undefined;
    return this.storage.columns[attr.key.toLowerCase()];
  }

  private isJson(attr: ResolvedAttribute, scope: Scope): boolean {
    if (scope.element) return scope.element.kind === 'json';
    return !this.storage.columns[attr.key.toLowerCase()];
  }

  /** SQL for the attribute's value in the current scope; `lowered` says whether a ci column was used. */
  valueExpression(attr: ResolvedAttribute, scope: Scope, rawJson: boolean, wantLowered = false): { sql: string; lowered: boolean } {
    if (scope.element?.kind === 'table') {
      const sub = attr.sub?.name.toLowerCase() ?? 'value';
      const column = scope.element.columns[sub];
      if (!column) throw ScimError.invalidFilter(`Sub-attribute "${attr.key}" cannot be filtered on`);
      return this.column(scope.alias, column, wantLowered);
    }
    if (scope.element?.kind === 'json') {
      const segments = attr.sub ? [attr.sub.name] : [];
      return { sql: this.jsonExtract(`${scope.alias}.value`, segments, rawJson, true), lowered: false };
    }
    const column = this.storage.columns[attr.key.toLowerCase()];
    if (column) return this.column(ROOT, column, wantLowered);
    const loweredColumn = wantLowered && this.dialect === 'postgresql' ? this.storage.postgresLoweredColumns?.[attr.key.toLowerCase()] : undefined;
    if (loweredColumn) return { sql: `${ROOT}.${loweredColumn}`, lowered: true };
    const path = jsonSegments(attr);
    return { sql: this.jsonExtract(`${ROOT}.${this.storage.documentColumn}`, path, rawJson, false), lowered: false };
  }

  private column(alias: string, mapping: ColumnMapping, wantLowered: boolean): { sql: string; lowered: boolean } {
    if (wantLowered && mapping.ciColumn) return { sql: `${alias}.${mapping.ciColumn}`, lowered: true };
    return { sql: `${alias}.${mapping.column}`, lowered: false };
  }

  private jsonExtract(source: string, segments: string[], rawJson: boolean, elementValue: boolean): string {
    if (this.dialect === 'sqlite') {
      // json_each exposes each element as `value`; for scalars json_extract(value, '$') returns it.
      const path = sqliteJsonPath(segments);
      if (elementValue && segments.length === 0) return `${source}`;
      return `json_extract(${source}, ${path})`;
    }
    const op = rawJson ? '#>' : '#>>';
    return `(${source} ${op} ${pgJsonPath(segments)})`;
  }

  private jsonPath(attr: ResolvedAttribute, sub: string | undefined) {
    const segments = [...jsonSegments({ ...attr, sub: undefined }), ...(sub ? [sub] : [])];
    return { sqlitePath: sqliteJsonPath(segments), pgPath: pgJsonPath(segments) };
  }

  /**
   * `lower(value) LIKE pattern` (the pattern lower-cased), without calling lower() for values that are ASCII.
   * SQLite's lower() is Roster's JavaScript function (it folds every letter, as PostgreSQL's does), and one
   * call per value per clause dominated a long `or` of substring matches over multi-valued attributes
   * (20,000 users: 1.7 -> 5 s). An ASCII value is compared upper-cased by SQLite's own upper() (ASCII
   * only, no call into JavaScript) against the pattern upper-cased: for ASCII text folding either way gives
   * the same match, and LIKE itself is case-sensitive on every connection (case_sensitive_like). A pattern
   * holding other characters matches no ASCII value folded; only a value holding other characters (its byte
   * length differs from its length) is folded by lower().
   */
  private sqliteFoldedLike(value: string, pattern: string): string {
    // Parameters are bound in the order the SQL names them.
    const ascii = ASCII.test(pattern) ? `upper(${value}) LIKE ${this.param(pattern.toUpperCase(), false)} ESCAPE '\\' OR ` : '';
    const folded = `lower(${value}) LIKE ${this.param(pattern, false)} ESCAPE '\\'`;
    return `(${ascii}(length(${value}) <> length(CAST(${value} AS BLOB)) AND ${folded}))`;
  }

  private param(value: BoundValue, jsonBoolean: boolean): string {
    let bound: unknown = value;
    if (value instanceof Date) bound = this.dialect === 'sqlite' ? value.getTime() : value.toISOString();
    else if (typeof value === 'boolean') {
      // SQLite's json_extract yields 1/0 for JSON booleans; PostgreSQL's #>> yields 'true'/'false'.
      if (this.dialect === 'sqlite') bound = value ? 1 : 0;
      else if (jsonBoolean) bound = String(value);
    }
    this.params.push(bound);
    return '?';
  }
}

/**
 * What of a substring literal to look up in a trigram index. A directory's addresses share their domain, so
 * the trigrams from an `@` on are in nearly every row: intersecting their lists cost FTS5 14 ms (`co`) and
 * 74 ms (`ew`) on a million addresses, against 0.3 ms for the part before the `@` alone (docs/benchmarks.md).
 * When that part can be looked up by itself, only it is, and the exact comparison checks the rest.
 */
function indexedPart(op: 'co' | 'sw' | 'ew', literal: string): { op: 'co' | 'sw' | 'ew'; literal: string } {
  const at = literal.indexOf('@');
  const local = at < 0 ? '' : literal.slice(0, at);
  if (!TRIGRAM.test(local)) return { op, literal };
  return { op: op === 'sw' ? 'sw' : 'co', literal: local };
}

function escapeLike(literal: string): string {
  return literal.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function likePattern(op: 'co' | 'sw' | 'ew', literal: string): string {
  return op === 'co' ? `%${literal}%` : op === 'sw' ? `${literal}%` : `%${literal}`;
}

function jsonSegments(attr: ResolvedAttribute): string[] {
  const local = [attr.attribute.name, ...(attr.sub ? [attr.sub.name] : [])];
  return attr.extension ? [attr.schemaUrn, ...local] : local;
}

function sqliteJsonPath(segments: string[]): string {
  const path = '$' + segments.map((s) => `."${s.replace(/"/g, '')}"`).join('');
  return `'${path.replace(/'/g, "''")}'`;
}

function pgJsonPath(segments: string[]): string {
  const body = segments.map((s) => `"${s.replace(/["\\]/g, '')}"`).join(',');
  return `'{${body.replace(/'/g, "''")}}'`;
}
