export * from './tenant.entity';
export * from './tenants.service';
export * from './tenant-changes';
export * from './tenants.module';
export { scimBaseUrl, tenantBody } from './tenant.presenter';
export * from './tenant-purge';
