export * from './tenant.entity';
export * from './tenants.service';
export * from './tenant-changes';
export * from './tenants.module';
export { scimBaseUrl } from './tenants.controller';
export * from './tenant-purge';
