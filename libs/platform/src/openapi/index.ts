export * from './contract-document';
export * from './contract-validator';
export * from './scim-tenant-view';
