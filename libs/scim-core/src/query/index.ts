export * from './projection';
export * from './list-query';
