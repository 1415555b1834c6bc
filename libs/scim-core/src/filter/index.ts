export * from './ast';
export * from './lexer';
export * from './parser';
export * from './bind';
export * from './storage';
export * from './to-sql';
export * from './evaluate';
export * from './cost';
