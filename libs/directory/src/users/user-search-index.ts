import type { EntityManager, EntityMetadata } from '@mikro-orm/core';
import type { TrigramIndex } from '@roster/scim-core';
import { placeholders, runSql, runSqlWrite } from '../shared/sql';

/**
 * The indexes behind `co`, `sw` and `ew` on userName, externalId, displayName, name.givenName,
 * name.familyName and emails.value: trigram indexes, so a substring match reads the rows that contain the
 * literal's three-character sequences instead of the tenant.
 *
 * - PostgreSQL: pg_trgm GIN indexes on the very expressions the filter compiler compares (`user_name_ci`,
 *   `lower(display_name)`, the name parts' stored generated columns `given_name_ci`, …); the planner uses
 *   them for LIKE, and B-trees in byte order for `sw` (POSTGRES_PREFIX_INDEXES).
 * - SQLite: FTS5 tables with the trigram tokenizer, `user_search` (one row per user, which it names in an
 *   unindexed `user_id`; its rowid is the user's entry in `user_search_keys`, since a user's key is a uuid
 *   and an FTS row needs an integer one) and `user_email_search` (one row per email row, by its integer id).
 *   Triggers keep them in the same transaction as the rows; each column holds the expression the compiler
 *   compares, so the exact comparison that follows the index agrees with PostgreSQL (to-sql.ts).
 *   `user_search` also copies each user's tenant and creation time (unindexed): a search it answers alone
 *   is scoped, counted and sorted there, and only the page's hundred users are read from `users` (a common
 *   surname among a million: 12,480 matches, each otherwise looked up in `users` by its uuid).
 *
 * The migrations create them (Migration20261206050000_user_search on each dialect, the SQLite table rebuilt
 * with its tenant and creation time by Migration20261207200000_user_search_page_keys); the declarations below
 * tell the schema comparator they belong to the schema, and the nightly job checks the SQLite tables' rows
 * against the users (reconciliation).
 */

/** SQLite: what the filter compiler reads for users (user.storage.ts). */
export const userTrigramIndex: TrigramIndex = {
  table: 'user_search',
  columns: {
    username: 'user_name',
    externalid: 'external_id',
    displayname: 'display_name',
    'name.givenname': 'given_name',
    'name.familyname': 'family_name',
  },
  rowKey: { indexColumn: 'user_id', rowColumn: 'id' },
  pageKeys: { tenantColumn: 'tenant_id', createdColumn: 'created_at' },
};

/** SQLite: what the filter compiler reads for emails.value (user.storage.ts). */
export const emailTrigramIndex: TrigramIndex = { table: 'user_email_search', columns: { value: 'value' }, rowKey: { indexColumn: 'rowid', rowColumn: 'id' } };

/** SQLite: the FTS tables and their shadow tables, and the key table: not entities, left out of schema diffs. */
export const SEARCH_TABLES = /^(user_search|user_email_search)(_\w+)?$/;

// Each FTS column's value for a users row `u`: its id, tenant and creation time (unindexed: what a search the
// index answers alone is scoped, sorted and counted by), then the same expressions as the compiler's comparisons.
const searchValues = (u: string) => [
  `${u}.id`,
  `${u}.tenant_id`,
  `${u}.created_at`,
  `${u}.user_name_ci`,
  `${u}.external_id`,
  `lower(${u}.display_name)`,
  `lower(json_extract(${u}.document, '$."name"."givenName"'))`,
  `lower(json_extract(${u}.document, '$."name"."familyName"'))`,
];
// The columns that say whose row it is: a user's id, tenant and creation time never change.
const ROW_COLUMNS = ['user_id', 'tenant_id', 'created_at'];
const SEARCH_COLUMNS = [...ROW_COLUMNS, 'user_name', 'external_id', 'display_name', 'given_name', 'family_name'];
const CHANGED_WHEN = `old.user_name_ci is not new.user_name_ci or old.external_id is not new.external_id or old.display_name is not new.display_name or json_extract(old.document, '$."name"') is not json_extract(new.document, '$."name"')`;
const keyOf = (u: string) => `(SELECT key FROM user_search_keys WHERE user_id = ${u}.id)`;

export const SQLITE_SEARCH_TRIGGERS = {
  users: [
    {
      name: 'user_search_ai',
      sql: `create trigger user_search_ai after insert on users begin
  insert into user_search_keys (user_id) values (new.id);
  insert into user_search (rowid, ${SEARCH_COLUMNS.join(', ')}) values (${keyOf('new')}, ${searchValues('new').join(', ')});
end`,
    },
    {
      name: 'user_search_au',
      // Every write rewrites the document; the index row changes only when a searched value does, which the
      // raw values say without lower() (a UDF call) on every write: W1's CPU per request paid 7 % for it.
      sql: `create trigger user_search_au after update on users when ${CHANGED_WHEN} begin
  update user_search set ${SEARCH_COLUMNS.map((column, i) => `${column} = ${searchValues('new')[i]}`)
    .slice(ROW_COLUMNS.length)
    .join(', ')} where rowid = ${keyOf('new')};
end`,
    },
    {
      name: 'user_search_ad',
      sql: `create trigger user_search_ad after delete on users begin
  delete from user_search where rowid = ${keyOf('old')};
  delete from user_search_keys where user_id = old.id;
end`,
    },
  ],
  user_emails: [
    {
      name: 'user_email_search_ai',
      sql: 'create trigger user_email_search_ai after insert on user_emails begin\n  insert into user_email_search (rowid, value) values (new.id, new.value_ci);\nend',
    },
    {
      name: 'user_email_search_au',
      sql: 'create trigger user_email_search_au after update on user_emails when old.value_ci is not new.value_ci begin\n  update user_email_search set value = new.value_ci where rowid = new.id;\nend',
    },
    {
      name: 'user_email_search_ad',
      sql: 'create trigger user_email_search_ad after delete on user_emails begin\n  delete from user_email_search where rowid = old.id;\nend',
    },
  ],
};

const EVENTS: Record<string, 'insert' | 'update' | 'delete'> = { ai: 'insert', au: 'update', ad: 'delete' };

export const POSTGRES_SEARCH_INDEXES = {
  users: [
    { name: 'users_user_name_trgm', expression: 'user_name_ci' },
    { name: 'users_external_id_trgm', expression: 'external_id' },
    { name: 'users_display_name_trgm', expression: 'lower(display_name)' },
    { name: 'users_given_name_trgm', expression: 'given_name_ci' },
    { name: 'users_family_name_trgm', expression: 'family_name_ci' },
  ],
  user_emails: [{ name: 'user_emails_value_trgm', expression: 'value_ci' }],
};

/**
 * PostgreSQL: `sw` on userName, externalId, name.givenName and name.familyName as a range of a B-tree. The
 * planner turns `LIKE 'prefix%'` into a range only on an index whose order is the bytes' (the pattern
 * operator class), and the indexes the entity declares sort by the database's collation. A prefix thousands
 * of users share (a run's, a department's, a common name) was a scan of the tenant or of as many trigram
 * entries and rows (docs/benchmarks.md). externalId's own index becomes such an index (it serves `eq` as
 * before); userName's is a unique constraint, so its range index is a second one; the name parts' columns are
 * the stored generated ones (user.entity.ts). Each carries the page keys (PREFIX_INDEX_PAGE_KEYS), so the
 * matches are counted and sorted from the index alone (an index-only scan) and only the page's rows are
 * read from the table. SQLite compares bytes already (to-sql.ts).
 */
export const POSTGRES_PREFIX_INDEXES = {
  users: [
    { name: 'users_tenant_username_prefix', column: 'user_name_ci', operatorClass: 'varchar_pattern_ops' },
    { name: 'users_tenant_external_id_idx', column: 'external_id', operatorClass: 'varchar_pattern_ops' },
    { name: 'users_tenant_given_name_prefix', column: 'given_name_ci', operatorClass: 'text_pattern_ops' },
    { name: 'users_tenant_family_name_prefix', column: 'family_name_ci', operatorClass: 'text_pattern_ops' },
  ],
};

// What a page of matches is ordered and identified by (resource-query.ts), carried by each prefix index.
const PREFIX_INDEX_PAGE_KEYS = ['created_at', 'id'];

/** The statement that creates a prefix index, as the schema comparator expects it (the migrations spell it out). */
function prefixIndexSql(table: string, index: { name: string; column: string; operatorClass: string }): string {
  const include = PREFIX_INDEX_PAGE_KEYS.map((column) => `"${column}"`).join(', ');
  return `create index "${index.name}" on "${table}" ("tenant_id", "${index.column}" ${index.operatorClass}) include (${include})`;
}

// The stored generated columns only PostgreSQL has (user.entity.ts), by table and property name.
const POSTGRES_ONLY_PROPERTIES: Partial<Record<string, string[]>> = { users: ['givenNameCi', 'familyNameCi'] };

/**
 * Declares the dialect's search triggers and indexes on the entities' metadata (MikroORM's onMetadata), so
 * that the schema comparator expects what the migrations created instead of proposing to drop it.
 */
export function declareSearchIndexes(meta: EntityMetadata, dialect: 'sqlite' | 'postgresql'): void {
  const table = meta.tableName as keyof typeof SQLITE_SEARCH_TRIGGERS;
  if (dialect === 'sqlite') for (const property of POSTGRES_ONLY_PROPERTIES[table] ?? []) meta.removeProperty(property);
  if (dialect === 'sqlite' && SQLITE_SEARCH_TRIGGERS[table]) {
    const declared = new Set((meta.triggers ?? []).map((trigger) => trigger.name));
    meta.triggers = [
      ...(meta.triggers ?? []),
      ...SQLITE_SEARCH_TRIGGERS[table]
        .filter((trigger) => !declared.has(trigger.name))
        .map((trigger) => ({ name: trigger.name, timing: 'after' as const, events: [EVENTS[trigger.name.slice(-2)]], expression: trigger.sql })),
    ];
  }
  if (dialect === 'postgresql' && POSTGRES_SEARCH_INDEXES[table]) {
    const declared = new Set(meta.indexes.map((index) => index.name));
    for (const index of POSTGRES_SEARCH_INDEXES[table]) {
      if (declared.has(index.name)) continue;
      meta.indexes.push({ name: index.name, expression: `create index "${index.name}" on "${table}" using gin ((${index.expression}) gin_trgm_ops)` });
    }
    for (const index of POSTGRES_PREFIX_INDEXES[table as keyof typeof POSTGRES_PREFIX_INDEXES] ?? []) {
      // An index the entity declares in the collation's order is replaced by this one.
      meta.indexes = meta.indexes.filter((declaredIndex) => declaredIndex.name !== index.name);
      meta.indexes.push({ name: index.name, expression: prefixIndexSql(table, index) });
    }
  }
}

/**
 * SQLite: which of these users' search rows (theirs and their emails') are missing or say something else
 * than the rows they index, with what differs: the nightly check, since triggers keep them only on
 * connections that run them (an operator's sqlite3 shell has neither Roster's lower() nor its triggers'
 * guarantees once a trigger is dropped).
 */
export async function staleSearchRows(em: EntityManager, userIds: string[]): Promise<Map<string, string>> {
  const stale = new Map<string, string>();
  if (!userIds.length) return stale;
  const values = searchValues('u');
  const users = await runSql<{ id: string; indexed: number | null }>(
    em,
    `SELECT u.id AS id, CASE WHEN s.rowid IS NULL THEN NULL WHEN ${SEARCH_COLUMNS.map((column, i) => `s.${column} IS ${values[i]}`).join(' AND ')} THEN 1 ELSE 0 END AS indexed
       FROM users u LEFT JOIN user_search_keys k ON k.user_id = u.id LEFT JOIN user_search s ON s.rowid = k.key
      WHERE u.id IN (${placeholders(userIds)})`,
    userIds,
  );
  for (const user of users)
    if (user.indexed !== 1) stale.set(user.id, user.indexed === null ? 'the user has no search row' : 'the search row holds older values');
  const emails = await runSql<{ user_id: string }>(
    em,
    `SELECT DISTINCT e.user_id AS user_id FROM user_emails e LEFT JOIN user_email_search s ON s.rowid = e.id
      WHERE e.user_id IN (${placeholders(userIds)}) AND s.value IS NOT e.value_ci`,
    userIds,
  );
  for (const { user_id } of emails) if (!stale.has(user_id)) stale.set(user_id, 'an email has no search row or an older one');
  return stale;
}

/** SQLite: rewrites a user's search rows from its rows, as the triggers would have (in the caller's transaction). */
export async function rebuildSearchRows(em: EntityManager, userId: string): Promise<void> {
  await runSqlWrite(em, 'DELETE FROM user_search WHERE rowid = (SELECT key FROM user_search_keys WHERE user_id = ?)', [userId]);
  await runSqlWrite(em, 'DELETE FROM user_search_keys WHERE user_id = ?', [userId]);
  await runSqlWrite(em, 'INSERT INTO user_search_keys (user_id) SELECT id FROM users WHERE id = ?', [userId]);
  await runSqlWrite(
    em,
    `INSERT INTO user_search (rowid, ${SEARCH_COLUMNS.join(', ')}) SELECT k.key, ${searchValues('u').join(', ')} FROM users u JOIN user_search_keys k ON k.user_id = u.id WHERE u.id = ?`,
    [userId],
  );
  await runSqlWrite(em, 'DELETE FROM user_email_search WHERE rowid IN (SELECT id FROM user_emails WHERE user_id = ?)', [userId]);
  await runSqlWrite(em, 'INSERT INTO user_email_search (rowid, value) SELECT id, value_ci FROM user_emails WHERE user_id = ?', [userId]);
}
