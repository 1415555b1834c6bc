export * from './scim-token.entity';
export * from './token-secret';
export * from './tokens.service';
export * from './scim-auth.guard';
export * from './tokens.module';
