import type { Constructor, EntityMetadata, Options } from '@mikro-orm/core';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import { defineConfig as definePostgresConfig } from '@mikro-orm/postgresql';
import { defineConfig as defineSqliteConfig } from '@mikro-orm/sqlite';
import type { DatabaseConfig } from '@roster/config';
import { ImmediateTransactionSqliteDriver } from './sqlite-immediate';
import { SQLITE_BUSY_TIMEOUT_MS, type SqliteLockWait } from './sqlite-pragmas';

export type MigrationList = { name: string; class: Constructor<Migration> }[];
export interface MigrationSets {
  sqlite: MigrationList;
  postgresql: MigrationList;
}

/** One builder for both dialects; each uses its own driver's defineConfig and its own migration set. */
export interface OrmSettings {
  log?: (message: string) => void;
  /** Every SQL statement, with parameters: development only. */
  sql?: boolean;
  /** SQLite only; 'serving' unless the process is a batch job (SQLITE_BUSY_TIMEOUT_MS). */
  lockWait?: SqliteLockWait;
}

/** An entity class, as the ORM takes it (any constructor). */
export type EntityClass = abstract new (...args: never[]) => object;

/** What the database holds: the entities, and what of each dialect's schema their decorators cannot say. */
export interface DatabaseSchema {
  entities: EntityClass[];
  /** Adds a dialect's own indexes and triggers to an entity's metadata, so that schema diffs expect them. */
  declareForDialect?: (meta: EntityMetadata, dialect: DatabaseConfig['dialect']) => void;
  /** Tables that are not entities (SQLite's full-text tables): schema diffs leave them alone. */
  skipTables?: RegExp[];
}

export function buildOrmOptions(database: DatabaseConfig, schema: DatabaseSchema, migrations: MigrationSets, settings: OrmSettings = {}): Options {
  const log = settings.log ?? (() => undefined);
  const shared = {
    entities: schema.entities,
    discovery: { onMetadata: (meta: EntityMetadata) => schema.declareForDialect?.(meta, database.dialect) },
    // sqlite_stat1 holds the planner's statistics (a migration writes them): SQLite's, not the entities'.
    schemaGenerator: { skipTables: [/^sqlite_stat\d$/, ...(schema.skipTables ?? [])] },
    extensions: [Migrator],
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: settings.sql === true,
    // MikroORM's own lines (migrator progress, SQL when ROSTER_SQL_DEBUG=1) go to the structured logger.
    logger: (message: string) => log(message.replace(/\u001b\[\d+m/g, '')),
  };
  if (database.dialect === 'sqlite') {
    return defineSqliteConfig({
      ...shared,
      driver: ImmediateTransactionSqliteDriver,
      dbName: database.path,
      // better-sqlite3's busy timeout, for every connection (the write connection and the read connection).
      driverOptions: { timeout: SQLITE_BUSY_TIMEOUT_MS[settings.lockWait ?? 'serving'] },
      // A second connection on the same file for reads outside transactions (not for :memory:, which
      // would be a second, empty database).
      ...(database.path === ':memory:' ? {} : { replicas: [{ name: 'read', dbName: database.path }], preferReadReplicas: true }),
      // snapshot:false — the migrator must never write files into the source tree at runtime.
      migrations: { migrationsList: migrations.sqlite, snapshot: false, transactional: true, allOrNothing: true },
    }) as Options;
  }
  return definePostgresConfig({
    ...shared,
    clientUrl: database.url,
    migrations: { migrationsList: migrations.postgresql, snapshot: false, transactional: true, allOrNothing: true },
  }) as Options;
}
