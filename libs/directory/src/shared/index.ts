export * from './resource-query';
export * from './sql';
export * from './ids';
export * from './scim-response';
export * from './scim-resource.mapper';
