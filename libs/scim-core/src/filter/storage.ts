export type Dialect = 'sqlite' | 'postgresql';

export interface ColumnMapping {
  column: string;
  /** A lower-cased shadow column, used for caseExact:false comparisons so they can use an index. */
  ciColumn?: string;
  /** A uuid column: on PostgreSQL a non-uuid literal must not reach it (it would be a type error). */
  uuid?: boolean;
  /**
   * An `eq` on this attribute finds a handful of rows through an index (an id, a userName, an externalId):
   * such a filter costs the same on any tenant, so it may run where cheap reads run (isIndexedLookup).
   */
  lookup?: boolean;
  /**
   * Every row holds a value here (a NOT NULL column, such as a creation time): a range of it and the opposite
   * range hold every row between them, so either may be counted from the other (rangeComplement).
   */
  everyRow?: boolean;
}

export interface ChildTableMapping {
  table: string;
  foreignKey: string;
  /** Sub-attribute name (lower case) → column. */
  columns: Record<string, ColumnMapping>;
  /** SQLite: the trigram index over some of its sub-attributes (TrigramIndex). */
  trigramIndex?: TrigramIndex;
}

/**
 * SQLite: an FTS5 table with the trigram tokenizer that finds the rows a `co`, `sw` or `ew` matches without
 * reading the tenant. Each of its columns holds exactly the expression the compiler compares for that
 * attribute (the lower-cased shadow column, `lower(column)`, the raw column of a caseExact attribute), and
 * SQLite checks each candidate's value against the LIKE pattern (case-sensitively: case_sensitive_like), so
 * for a literal without `%` or `_` its answer is the match itself; for one with them the index is asked a
 * wider pattern and the exact comparison follows. (PostgreSQL needs no entry: pg_trgm GIN indexes on those
 * same expressions serve LIKE directly.)
 */
export interface TrigramIndex {
  table: string;
  /** Attribute key (lower case; on a child table, the sub-attribute's name) → the FTS table's column. */
  columns: Record<string, string>;
  /** The FTS table's column that identifies the row (`rowid` when the row's key is an integer), and the row's. */
  rowKey: { indexColumn: string; rowColumn: string };
  /**
   * The FTS table's columns (unindexed) that copy the row's tenant and creation time, when it has them: a
   * search the index answers alone is then scoped, sorted and counted in the index, and only the page's rows
   * are read from the resource's table (SqlFragment.answeredByIndex).
   */
  pageKeys?: { tenantColumn: string; createdColumn: string };
}

/**
 * Where a resource type's attributes live in the database. Attributes not listed here are read from
 * the JSON document column at their canonical path, so a new schema attribute is filterable without
 * any mapping; list it here only to give it an indexed column.
 */
export interface ResourceStorage {
  table: string;
  idColumn: string;
  documentColumn: string;
  /** Canonical attribute key (lower case: `username`, `meta.created`, `urn:…:user:department`) → column. */
  columns: Record<string, ColumnMapping>;
  /** Multi-valued attribute key (lower case) → child table. */
  children: Record<string, ChildTableMapping>;
  /** SQLite: the trigram index over some of its attributes (TrigramIndex). */
  trigramIndex?: TrigramIndex;
  /**
   * PostgreSQL: attributes of the document (lower case key) whose lower-cased value a stored generated column
   * holds (`lower(document #>> path)`, computed by the database on every write). A case-insensitive comparison
   * reads the column instead of computing the same expression from each row's document, so a B-tree on it
   * that carries the page keys answers `sw` and its count from the index alone. Sorting still reads the
   * document: it orders by the value as sent.
   */
  postgresLoweredColumns?: Record<string, string>;
}
