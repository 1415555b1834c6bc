export * from './json';
export * from './coerce';
export * from './document';
