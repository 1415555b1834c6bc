export * from './attribute';
export * from './resource-type';
export * from './user.schema';
export * from './group.schema';
export * from './registry';
