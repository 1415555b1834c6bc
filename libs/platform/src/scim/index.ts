export * from './scim-request';
export * from './etag';
export * from './public-url';
