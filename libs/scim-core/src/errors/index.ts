export * from './scim-error';
