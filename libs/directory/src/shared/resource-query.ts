import type { EntityManager } from '@mikro-orm/core';
import { pagePositions, type PagePosition } from './page-positions';
import { keptCountExpression, resourceCount, type CountedResource } from './resource-counts';
import { dialectOf, limitClause, readSqliteRowsWhile, runSql } from './sql';
import type { SqlStatement } from './write-all';
import type { HeavyReads } from '@roster/platform';
import {
  filterToSql,
  isIndexedLookup,
  isLookupShape,
  rangeComplement,
  ScimLimits,
  sortExpression,
  type Dialect,
  type ListQuery,
  type ResourceStorage,
  type SqlFragment,
} from '@roster/scim-core';

/** How a list bounds its pages in bytes: each row's size, an SQL expression over the row `r`. */
export interface PageSize {
  /** For users, the stored document's bytes plus what rendering adds; for groups with members, their count. */
  rowBytes: string;
}

export interface PageRows {
  /** How many rows match; with `countUpTo`, at most that many (`totalCapped` says more matched). */
  total: number;
  totalCapped?: boolean;
  rows: Record<string, unknown>[];
  /** More rows matched than the page holds because of its byte budget (RFC 7644 lets itemsPerPage < count). */
  truncated: boolean;
}

/**
 * Runs a SCIM list query in the database: tenant scope, compiled filter, stable order, paging, returning
 * `columns` of the page's rows. The filter fragment is always parenthesised and ANDed after the tenant
 * condition, so an OR in a client filter can never widen the scope beyond the tenant.
 *
 * `totalResults` needs a count only when the page is full: a page with room left (an IdP's `userName eq`
 * lookup, the last page of a walk) already says how many there are. A range of a time every row has is
 * counted from its smaller side (countRangeSides).
 *
 * The first page (every filtered lookup) and a resumed walk read their rows in one statement; a page reached
 * by OFFSET picks ids on the index first, so OFFSET never reads the rows it skips.
 *
 * With `size`, a page holds at most ScimLimits.maxPageBytes (and one resource past it): the rows' sizes are
 * summed in the database, in page order, and rows that would start past the budget are not read. A page cut
 * short counts the total and, for cursors, continues after its last row.
 */
export async function queryPageRows(
  em: EntityManager,
  storage: ResourceStorage,
  tenantId: string,
  query: ListQuery,
  columns: string,
  counted?: CountedResource,
  options: { after?: PagePosition; lookAhead?: boolean; size?: PageSize; heavyReads?: HeavyReads; countUpTo?: number } = {},
): Promise<PageRows> {
  const dialect = dialectOf(em);
  const filter = query.filter ? filterToSql(query.filter, storage, dialect) : undefined;
  const tenantCondition = tenantConditionFor(filter, dialect);
  const scope = `${tenantCondition}${filter ? ` AND (${filter.sql})` : ''}`;
  const params = [tenantId, ...(filter?.params ?? [])];
  const direction = query.sortOrder === 'descending' ? 'DESC' : 'ASC';
  const sortBy = query.sortBy ? sortExpression(query.sortBy, storage, dialect) : undefined;
  const offset = options.after ? 0 : query.startIndex - 1;
  // Walks in the default order resume from where the previous page ended (page-positions.ts).
  const positionKey = (startIndex: number) => (sortBy ? undefined : `${storage.table}|${scope}|${JSON.stringify(params)}|${startIndex}`);
  const resumeAt = options.after ?? (offset > 0 ? pagePositions.get(positionKey(query.startIndex) ?? '') : undefined);
  // A read whose cost may grow with the tenant goes where it holds up no other request (heavy-reads.ts).
  const indexedLookup = !!query.filter && isIndexedLookup(query.filter, storage);
  const mayScan = !!sortBy || (!!query.filter && !indexedLookup) || (offset > 0 && !resumeAt);
  const heavy = mayScan && options.heavyReads?.enabled && !em.getTransactionContext() ? options.heavyReads : undefined;
  const bounded = (condition: string, alias = 'r') => (heavy ? `${condition}${heavy.budgetCondition(alias)}` : condition);
  const where = bounded(scope);
  // SQLite: a search one trigram index answers alone is scoped and counted in that index (countedPageSource).
  const indexSearch = sortBy ? undefined : indexSearchFor(filter, dialect, (condition) => bounded(condition, 's'));
  // Without a client's filter, or with an identity provider's lookup, the statement is one of a few texts:
  // PostgreSQL keeps it prepared (sql.ts), and one index serves it whatever the values.
  const fixedText = !query.filter || (!sortBy && isLookupShape(query.filter, storage));
  const read = (sql: string, values: unknown[]): Promise<Record<string, unknown>[]> =>
    heavy ? heavy.read(tenantId, sql, values) : runSql(em, sql, values, { prepared: fixedText });
  // A count may stop early (a person reading "1,000+" needs no more): on SQLite a broad search then reads a part
  // of its matches. PostgreSQL plans a count under LIMIT as a scan that stops early, which for a broad search of
  // a large tenant costs more than counting through its indexes; it counts them all.
  const matchesSource = indexSearch ? `${indexSearch.table} s WHERE ${indexSearch.where}` : `${storage.table} r WHERE ${where}`;
  const countRows = async () =>
    Number(
      (
        await read(
          options.countUpTo === undefined || dialect === 'postgresql'
            ? `SELECT count(*) AS n FROM ${matchesSource}`
            : `SELECT count(*) AS n FROM (SELECT 1 FROM ${matchesSource} LIMIT ${options.countUpTo + 1}) capped`,
          params,
        )
      )[0]?.n ?? 0,
    );
  // A filter that is one range of a time every row has (`meta.lastModified gt …`) is counted from its smaller side.
  const opposite = query.filter && counted && options.countUpTo === undefined ? rangeComplement(query.filter, storage) : undefined;
  const oppositeFilter = opposite && filterToSql(opposite, storage, dialect);
  const countMatches = async (): Promise<number> => {
    if (!oppositeFilter || !counted) return countRows();
    const others = { sql: bounded(`${tenantCondition} AND (${oppositeFilter.sql})`), params: [tenantId, ...oppositeFilter.params] };
    return (await countRangeSides(read, storage.table, { sql: where, params }, others, keptCountExpression(tenantId, counted))) ?? countRows();
  };
  // Without a filter the tenant's kept count is the answer (exact: it changes in the same transactions).
  const count = async () => {
    if (filter) return countMatches();
    return (counted && (await resourceCount(em, tenantId, counted))) ?? countRows();
  };
  const capped = (total: number, page: Omit<PageRows, 'total'>): PageRows =>
    options.countUpTo !== undefined && total > options.countUpTo ? { ...page, total: options.countUpTo, totalCapped: true } : { ...page, total };
  if (query.count === 0) return capped(await count(), { rows: [], truncated: false });
  // Unassigned values sort last in both directions, on both dialects (their NULL orders differ).
  const order = sortBy ? `(${sortBy}) IS NULL, ${sortBy} ${direction}, r.created_at ${direction}, r.id ${direction}` : 'r.created_at ASC, r.id ASC';
  // Cursor pages read one row more than they return, to know whether there is a next page.
  const limit = options.after !== undefined || options.lookAhead ? query.count + 1 : query.count;
  // An index lookup finds a handful of rows: they cannot fill a page's budget, so they are not summed.
  const size = indexedLookup ? undefined : options.size;
  // The first page of a filter led by a trigram index counts its matches in the same statement, with a window
  // over the filter's rows (ids only) taken before the LIMIT. Two statements found every candidate through the
  // index twice (a common surname among a million users: 12,480 rows), and PostgreSQL read the page by walking
  // the tenant's creation order until a hundred matched, as many rows again. There the matches are taken whole
  // first, up to COUNTED_MATCHES_CAP (countedPageSource); more than that, and the page is read again the other
  // way. Not for other filters: their count can often be read from an index alone while the page stops early
  // in creation order, and counting in the page's statement then cost W5 more CPU, not less. PostgreSQL only in
  // the default order (its matches carry the creation order alone).
  const countedWithPage = !!filter?.narrowedByIndex && options.countUpTo === undefined && !resumeAt && offset === 0 && (dialect === 'sqlite' || !sortBy);
  // `selectParams` are those of `select`'s columns, which come before the statement's own. `pageOrder` is
  // `order`, or the same order written so that no index can give it (for a range few rows are in, below).
  const page = async (select: string, sized: boolean, selectParams: unknown[] = [], pageOrder = order, counting = countedWithPage) => {
    const keyset = resumeAt ? ' AND (r.created_at, r.id) > (?, ?)' : '';
    // The LIMIT is written into the text (an integer this function computed) wherever a parameter would cost
    // more. SQLite plans with the value bound to a LIMIT and so compiles the statement again each time it is
    // run (sql.ts, limitClause). PostgreSQL, without a filter (a prepared statement), reading from the start or
    // resuming a walk, then plans the statement once and reuses the plan; with the LIMIT a parameter it could
    // not tell what a reused plan would cost, and planned every page again (0.45 ms of a page's 1.1 ms there).
    // There a page reached by OFFSET keeps both as parameters and is planned for its own offset, which may
    // take another plan deep into a large tenant; planning is nothing beside skipping rows.
    const limitInText = dialect === 'sqlite' || (!filter && (offset === 0 || !!resumeAt));
    const pageParams = [
      ...selectParams,
      ...params,
      ...(resumeAt ? [resumeAt.createdAt, resumeAt.id] : []),
      ...(limitInText ? [] : [limit]),
      ...(resumeAt ? [] : [offset]),
    ];
    const paging = `${limitInText ? limitClause(limit) : 'LIMIT ?'}${resumeAt ? '' : ' OFFSET ?'}`;
    const counted = countedPageSource(storage, dialect, { where, order: pageOrder, paging, indexSearch });
    const rowsOf = (columns: string) =>
      counting
        ? `${counted.opening}SELECT ${columns}, matched.page_total AS page_total FROM ${counted.from} ORDER BY ${order}`
        : `SELECT ${columns} FROM ${storage.table} r WHERE ${where}${keyset} ORDER BY ${pageOrder} ${paging}`;
    if (!sized || !size) return read(rowsOf(select), pageParams);
    // SQLite: the rows are read in page order and the reading stops at the first row that starts past the
    // budget, so nothing is summed in SQL (a window over the page cost 1.0 ms of a walk's page, against
    // 0.3 ms for reading the rows themselves) — on a read worker for a heavy read, else in this process.
    const streamedSql = rowsOf(`${select}, ${size.rowBytes} AS page_row_bytes`);
    if (heavy?.readsPagesByBytes)
      return heavy.readPage(tenantId, streamedSql, pageParams, { bytesColumn: 'page_row_bytes', maxBytes: ScimLimits.maxPageBytes });
    if (!heavy) {
      let bytesBefore = 0;
      const streamed = readSqliteRowsWhile(em, streamedSql, pageParams, (row) => {
        row.page_bytes_before = bytesBefore;
        bytesBefore += Number(row.page_row_bytes);
        return Number(row.page_bytes_before) < ScimLimits.maxPageBytes;
      });
      if (streamed) return streamed;
    }
    // Each row's bytes and the bytes of the rows before it and before the one before it: what it takes to keep
    // the rows that start within the budget and the first one past it (which says the page was cut), summed
    // by one window in page order under the LIMIT, over the rows themselves. (Summing over the page's ids and
    // joining its rows back by id cost PostgreSQL twice the reads and a sort: 1.14 against 0.57 ms a page.)
    // The order the window follows is the index's, so PostgreSQL reads the page from the index and stops at
    // the LIMIT; only with statistics far behind a large import would it plan a sort of the tenant's rows
    // instead, which is why PlannerStatistics keeps them current.
    const running = `sum(${size.rowBytes}) OVER page_order`;
    // A counted page is limited where its ids are taken; the window then runs over its rows only.
    const source = counting
      ? { opening: counted.opening, columns: `${select}, matched.page_total AS page_total`, from: counted.from, paging: '' }
      : { opening: '', columns: select, from: `${storage.table} r WHERE ${where}${keyset}`, paging: ` ${paging}` };
    // The rows are put back in page order here, not by an ORDER BY around the filter: sorting a page of whole
    // rows there cost PostgreSQL up to 0.1 ms of CPU, and the page reached the client 0.25–0.3 ms later, sent
    // only once sorted instead of as it was read (docs/benchmarks.md). The rows arrive in that order; the sort
    // only makes sure of it.
    const rows = await read(
      `${source.opening}SELECT * FROM (
         SELECT ${source.columns}, ${size.rowBytes} AS page_row_bytes, row_number() OVER page_order AS page_position,
                ${running} - ${size.rowBytes} AS page_bytes_before,
                ${running} - ${size.rowBytes} - coalesce(lag(${size.rowBytes}) OVER page_order, 0) AS page_bytes_before_previous
           FROM ${source.from}
         WINDOW page_order AS (ORDER BY ${order} ROWS UNBOUNDED PRECEDING) ORDER BY ${order}${source.paging}
       ) p WHERE p.page_bytes_before_previous < ?`,
      [...pageParams, ScimLimits.maxPageBytes],
    );
    return rows.sort((a, b) => Number(a.page_position) - Number(b.page_position));
  };
  const totalFor = async (found: number, truncated: boolean) =>
    truncated ? count() : !resumeAt && found > 0 && found < query.count ? offset + found : !resumeAt && offset === 0 && found === 0 ? 0 : count();
  // A page carries its total when its statement read one: SQLite's window over a trigram filter's matches, or
  // the tenant's kept count (no filter). Otherwise it is counted apart, if at all (totalFor).
  const totalOf = (rows: Record<string, unknown>[], truncated: boolean) =>
    rows[0]?.page_total !== undefined
      ? Number(rows[0].page_total)
      : rows[0]?.kept_total !== undefined && rows[0].kept_total !== null
        ? Number(rows[0].kept_total)
        : totalFor(rows.length, truncated);
  const remember = (rows: Record<string, unknown>[]) => {
    const last = rows[rows.length - 1];
    const key = limit === query.count ? positionKey(query.startIndex + rows.length) : undefined; // index paging only
    if (last && key) pagePositions.remember(key, { createdAt: last.created_at, id: String(last.id) });
  };
  // SQLite plans without statistics, and orders a page of a range of a change time by walking the tenant's
  // creation-order index and testing each row: for a range few rows are in ("changed in the last hour", on a
  // million users) it read the whole tenant, 1.7 s. Such a range is counted first, cheaply (countRangeSides):
  // none needs no page at all, and fewer matches than a side is counted up to are read from the range's own
  // index and sorted, by an order written so that no index can give it (`+column`), on every page.
  const rangeTotal = dialect === 'sqlite' && oppositeFilter && !sortBy ? await countMatches() : undefined;
  if (rangeTotal === 0) return { total: 0, rows: [], truncated: false };
  const pageOrder = rangeTotal !== undefined && rangeTotal < SMALL_SIDE_ROWS ? '+r.created_at ASC, +r.id ASC' : order;
  // Nothing to skip (the first page, or a resumed walk): one statement reads the rows themselves, and without a
  // filter the tenant's kept count beside them (on PostgreSQL a round trip less for every page of a walk).
  if (offset === 0 || resumeAt) {
    const keptTotal = !filter && counted ? keptCountExpression(tenantId, counted) : undefined;
    const select = keptTotal ? `${columns}, ${keptTotal.sql} AS kept_total` : columns;
    let rows = await page(select, true, keptTotal?.params, pageOrder);
    const pastCap = countedWithPage && dialect === 'postgresql' && Number(rows[0]?.page_total) > COUNTED_MATCHES_CAP;
    if (pastCap) rows = await page(select, true, keptTotal?.params, pageOrder, false);
    const { kept, truncated } = withinBudget(rows, (row) => Number(row.page_bytes_before));
    remember(kept);
    return capped(rangeTotal ?? (await totalOf(kept, truncated)), { rows: kept, truncated });
  }
  const keyRows = await page(`r.id AS id, r.created_at AS created_at${size ? `, ${size.rowBytes} AS page_row_bytes` : ''}`, false, [], pageOrder);
  let before = 0;
  const { kept: keys, truncated } = withinBudget(keyRows, (row) => {
    const start = before;
    before += Number(row.page_row_bytes ?? 0);
    return start;
  });
  remember(keys);
  const ids = keys.map((row) => String(row.id));
  const total = rangeTotal ?? (await totalFor(ids.length, truncated));
  if (!ids.length) return capped(total, { rows: [], truncated });
  const rows = await runSql(em, `SELECT ${columns} FROM ${storage.table} r WHERE r.tenant_id = ? AND r.id IN (${ids.map(() => '?').join(', ')})`, [
    tenantId,
    ...ids,
  ]);
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  return capped(total, { rows: ids.map((id) => byId.get(id)).filter((row): row is Record<string, unknown> => !!row), truncated });
}

/**
 * SQLite: a filter answered by a trigram index alone (SqlFragment.answeredByIndex), with `where` its condition
 * over the index table `s` after the tenant's, as the statement's parameters expect them (tenant, then filter).
 */
type IndexSearch = NonNullable<SqlFragment['answeredByIndex']> & { where: string };

/** The IndexSearch of a compiled filter, if it has one on this dialect; `bounded` adds to its condition. */
export function indexSearchFor(filter: SqlFragment | undefined, dialect: Dialect, bounded = (condition: string) => condition): IndexSearch | undefined {
  const search = dialect === 'sqlite' ? filter?.answeredByIndex : undefined;
  return search && { ...search, where: bounded(`${search.tenantColumn} = ? AND (${search.condition})`) };
}

/**
 * PostgreSQL: how many of a filter's matches a counted page takes. A common surname among a million users is
 * 12,480 of them (17 ms to take and sort); a filter nearly everyone matches is counted apart, at the cost of
 * taking this many first (another 17 ms on a search that takes 155 ms to count).
 */
const COUNTED_MATCHES_CAP = 20_000;

/**
 * Where a counted page's rows come from (countedWithPage): `from` joins the page's ids, with `matched.page_total`
 * the number of the filter's matches, to the rows `r`; `opening` goes first in the statement. The ids are the
 * first of the matches in `order`, limited by `paging`, from a window over all of them (ids only).
 *
 * On PostgreSQL the matches are taken first (MATERIALIZED: with the window under a LIMIT, its planner walked
 * the tenant's creation order to the end, 4 s on a million users, unaware that a window over every row needs
 * them all before the first), up to COUNTED_MATCHES_CAP and one more: a `page_total` past the cap says the page
 * must be read another way. There `order` may name `r.created_at` and `r.id` alone (the default order).
 *
 * On SQLite, a search a trigram index answers alone (`indexSearch`) is scoped, counted and sorted in that index,
 * by its copies of the rows' tenant and creation time, in the default order; only the page's rows are read.
 */
export function countedPageSource(
  storage: Pick<ResourceStorage, 'table' | 'idColumn'>,
  dialect: Dialect,
  page: { where: string; order: string; paging: string; indexSearch?: IndexSearch },
): { opening: string; from: string } {
  const id = storage.idColumn;
  const ids = (source: string) => `(SELECT r.${id} AS page_id, count(*) OVER () AS page_total FROM ${source} ORDER BY ${page.order} ${page.paging}) matched`;
  const rows = `JOIN ${storage.table} r ON r.${id} = matched.page_id`;
  const search = page.indexSearch;
  if (search) {
    // The index's copies of the tenant and creation time stand for the row's; the page's order is the default.
    // The matches are taken once and both counted and sorted from there: a window over them cost a common
    // surname among a million users 15 ms against 12.6 (SQLite sorted every match for it, not just a page's).
    return {
      opening: `WITH page_matches AS MATERIALIZED (SELECT ${search.rowKey} AS page_id, ${search.createdColumn} AS created_at FROM ${search.table} s WHERE ${search.where}) `,
      from: `(SELECT page_id, (SELECT count(*) FROM page_matches) AS page_total FROM page_matches ORDER BY created_at, page_id ${page.paging}) matched ${rows}`,
    };
  }
  if (dialect === 'sqlite') return { opening: '', from: `${ids(`${storage.table} r WHERE ${page.where}`)} ${rows}` };
  return {
    opening: `WITH page_matches AS MATERIALIZED (SELECT r.${id}, r.created_at FROM ${storage.table} r WHERE ${page.where} ${limitClause(COUNTED_MATCHES_CAP + 1)}) `,
    from: `${ids('page_matches r')} ${rows}`,
  };
}

/**
 * The condition that scopes a list to its tenant, before the filter's. On SQLite, which plans without
 * statistics, a filter led by a trigram index marks it as matching most rows (`likely`), for the planner to
 * start from the trigram index rather than from the tenant's (to-sql.ts, narrowedByIndex).
 */
export function tenantConditionFor(filter: Pick<SqlFragment, 'narrowedByIndex'> | undefined, dialect: Dialect): string {
  return filter?.narrowedByIndex && dialect === 'sqlite' ? 'likely(r.tenant_id = ?)' : 'r.tenant_id = ?';
}

/** How far each side of a range is counted before the other is tried (countRangeSides). */
const SMALL_SIDE_ROWS = 1000;

/**
 * A range of a time every row has, counted from its smaller side: its matches and the opposite range's, each up
 * to SMALL_SIDE_ROWS, and the tenant's kept count, in one statement (one snapshot). Few matches are the total;
 * few rows on the other side are taken from the tenant's count. `meta.lastModified gt` an hour ago, on a
 * tenant where nearly everyone changed since, read 13,000 index entries to count them (SQLite 750 µs; the
 * count was most of the request) where now it reads 1,000 and none. With both sides large, it is left to a
 * count of its own (undefined).
 */
async function countRangeSides(
  read: (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>,
  table: string,
  range: SqlStatement,
  opposite: SqlStatement,
  tenantCount: SqlStatement,
): Promise<number | undefined> {
  const upTo = (side: SqlStatement) => `(SELECT count(*) FROM (SELECT 1 FROM ${table} r WHERE ${side.sql} ${limitClause(SMALL_SIDE_ROWS)}) side)`;
  const [row] = await read(`SELECT ${upTo(range)} AS matches, ${upTo(opposite)} AS others, ${tenantCount.sql} AS tenant_n`, [
    ...range.params,
    ...opposite.params,
    ...tenantCount.params,
  ]);
  const matches = Number(row?.matches ?? 0);
  const others = Number(row?.others ?? 0);
  const tenantRows = row?.tenant_n === null || row?.tenant_n === undefined ? undefined : Number(row.tenant_n);
  if (matches < SMALL_SIDE_ROWS) return matches;
  // Never fewer than the matches already seen, should the kept count ever be behind.
  if (tenantRows !== undefined && others < SMALL_SIDE_ROWS) return Math.max(tenantRows - others, matches);
  return undefined;
}

/**
 * The rows that start within the page's byte budget (`start` gives the bytes before each, in page order),
 * always at least one, and whether any row was left out for it.
 */
function withinBudget<T>(rows: T[], start: (row: T) => number): { kept: T[]; truncated: boolean } {
  for (let i = 1; i < rows.length; i++) if (start(rows[i]) >= ScimLimits.maxPageBytes) return { kept: rows.slice(0, i), truncated: true };
  return { kept: rows, truncated: false };
}

/**
 * A cursor page read with one row of look-ahead: the rows to return, and where the next page starts (after
 * the last row returned, when more rows matched: the look-ahead row, or the rows the byte budget left out).
 */
export function splitCursorPage(read: PageRows, count: number): { rows: Record<string, unknown>[]; next?: PagePosition } {
  if (read.rows.length <= count && !read.truncated) return { rows: read.rows };
  const page = read.rows.slice(0, count);
  const last = page[page.length - 1];
  return { rows: page, next: last ? { createdAt: last.created_at, id: String(last.id) } : undefined };
}
