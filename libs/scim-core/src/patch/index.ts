export * from './patch-request';
export * from './patch-path';
export * from './apply-patch';
export * from './quirks';
export * from './membership';
