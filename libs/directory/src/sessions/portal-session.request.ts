import type { ActiveSession } from './portal-sessions.service';

declare module 'express-serve-static-core' {
  interface Request {
    /** The portal session a request came with (set by the authentication guard for portal and admin routes). */
    portalSession?: ActiveSession;
  }
}

export {};
