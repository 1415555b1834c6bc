export * from './json';
export * from './coerce';
export * from './document';
export * from './text';
export * from './json-text';
