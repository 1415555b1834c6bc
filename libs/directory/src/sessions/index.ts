export * from './sessions.module';
export * from './portal-sessions.service';
export * from './setup-links.service';
export * from './portal-cookie';
export * from './portal-session.entity';
export * from './setup-link.entity';
