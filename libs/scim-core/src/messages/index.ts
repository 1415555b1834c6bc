export * from './urns';
export * from './list-response';
export * from './error-response';
