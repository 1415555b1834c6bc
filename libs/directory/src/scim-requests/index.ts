export * from './scim-requests.module';
export * from './scim-request-log';
export * from './scim-requests.service';
export * from './explain';
export * from './scim-request.presenter';
