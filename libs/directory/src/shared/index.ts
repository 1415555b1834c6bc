export * from './resource-query';
export * from './sql';
