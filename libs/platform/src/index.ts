export * from './cache';
export * from './database';
export * from './http';
export * from './logging';
export * from './openapi';
export * from './scim';
export * from './metrics';
