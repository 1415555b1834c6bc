export * from './orm-options';
export * from './sqlite-pragmas';
export * from './migration-runner';
export * from './database.module';
export * from './unique-violation';
export * from './lock-file';
export * from './sqlite-immediate';
export * from './database-lock';
