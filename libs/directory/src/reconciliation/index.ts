export * from './drift';
export * from './reconciliation.service';
export * from './reconciliation.module';
export * from './tenant-health.service';
export { toBody as tenantHealthBody } from './tenant-health.controller';
