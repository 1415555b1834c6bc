export * from './entities';
export * from './directory.module';
export * from './audit';
export * from './tenants';
export * from './tokens';
export * from './users';
export * from './groups';
export * from './discovery';
