export * from './drift';
export * from './reconciliation.service';
export * from './reconciliation.module';
export * from './tenant-health.service';
export { tenantHealthBody } from './tenant-health.controller';
