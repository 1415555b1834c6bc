export * from './onboarding.module';
export * from './tenant-onboarding';
