// The framework-free SCIM engine: no Nest, no ORM, no I/O.
export * from './errors';
export * from './messages';
export * from './schema';
export * from './filter';
export * from './query';
export * from './resource';
export * from './patch';
export * from './limits';
export * from './bulk';
export * from './events';
