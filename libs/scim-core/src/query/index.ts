export * from './projection';
export * from './list-query';
export * from './search-request';
