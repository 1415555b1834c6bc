export * from './request-context';
export * from './scim-media';
export * from './body-parser';
export * from './route-table';
export * from './error-responder';
export * from './scim-exception.filter';
export * from './admin.guard';
export * from './readiness';
