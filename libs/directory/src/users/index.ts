export * from './user.entity';
export * from './user-email.entity';
export * from './user.storage';
export * from './users.repository';
export * from './users.service';
export * from './users.module';
export * from './deleted-users.service';
export { SQLITE_SEARCH_TRIGGERS } from './user-search-index';
