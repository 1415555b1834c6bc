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
}

export interface ChildTableMapping {
  table: string;
  foreignKey: string;
  /** Sub-attribute name (lower case) → column. */
  columns: Record<string, ColumnMapping>;
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
}
