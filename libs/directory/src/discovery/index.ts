export * from './discovery.module';
export * from './discovery.documents';
