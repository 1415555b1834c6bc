export * from './event-types';
export * from './provisioning-change';
export * from './poll-request';
