export * from './contract-document';
export * from './contract-validator';
