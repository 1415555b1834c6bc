export * from './roster-config';
export * from './load-config';
export * from './config.module';
