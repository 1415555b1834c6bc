export * from './bulk-request';
