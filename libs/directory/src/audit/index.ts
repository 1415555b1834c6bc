export * from './audit-event.entity';
export * from './auth-failure-counter.entity';
export * from './audit-context';
export * from './audit.service';
export * from './auth-failures.service';
export * from './audit.module';
export * from './diff';
export * from './audited';
