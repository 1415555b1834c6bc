import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver } from 'kysely';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import type { Configuration } from '@mikro-orm/core';

/**
 * SQLite opens transactions with `BEGIN IMMEDIATE`. A plain (deferred) BEGIN takes the write lock only
 * at the first write; when another process (the CLI, the nightly job) committed in between, SQLite
 * cannot upgrade the read snapshot and fails at once with "database is locked", without waiting for the
 * busy timeout. IMMEDIATE takes the write lock up front, so writers queue behind each other (up to the
 * busy timeout, then 503) instead of failing. Inside one process every statement already goes through
 * one connection in turn, so this costs nothing there.
 */
class ImmediateTransactionConnection extends SqliteConnection {
  override createKyselyDialect(options: Record<string, unknown>): Dialect {
    const dialect = super.createKyselyDialect(options) as Dialect;
    return {
      createAdapter: () => dialect.createAdapter(),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createDriver: (): Driver => {
        const driver = dialect.createDriver();
        driver.beginTransaction = async (connection: DatabaseConnection) => {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
        };
        return driver;
      },
    };
  }
}

export class ImmediateTransactionSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    // The base class builds its connection from a class it names itself; swap in ours before first use.
    (this as unknown as { connection: SqliteConnection }).connection = new ImmediateTransactionConnection(this.config);
  }
}
