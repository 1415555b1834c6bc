import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { newId } from '../shared/ids';
import { hashToken } from '../tokens/token-secret';
import type { PortalSessionKind } from './portal-session.entity';
import { PortalSessionsRepository } from './portal-sessions.repository';

/** A session in use: who it is for, until when, and the CSRF token its writes must carry. */
export interface ActiveSession {
  id: string;
  kind: PortalSessionKind;
  tenantId: string | null;
  /** When it ends: its absolute end, or sooner if it goes unused for the idle limit. */
  expiresAt: Date;
  csrfToken: string;
}

// Last use is written at most once a minute per session: reading a page costs no write.
const TOUCH_EVERY_MS = 60_000;

/**
 * Portal sessions, kept in the database (only a hash of each secret), so that any API process serves any
 * session and a restart signs nobody out. A session ends when it has not been used for
 * ROSTER_PORTAL_SESSION_IDLE_MINUTES, after ROSTER_PORTAL_SESSION_MAX_HOURS whatever the use, and at sign-out.
 */
@Injectable()
export class PortalSessions {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: PortalSessionsRepository,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Opens a session; the secret goes into the cookie and nowhere else. */
  async open(kind: PortalSessionKind, tenantId: string | null, now = new Date()): Promise<{ secret: string; session: ActiveSession; cookieExpiresAt: Date }> {
    const secret = randomBytes(32).toString('base64url');
    const id = newId();
    const expiresAt = new Date(now.getTime() + this.config.portal.sessionMaxHours * 3_600_000);
    await this.sessions.insert(this.em.fork(), { id, secretHash: hashToken(secret), kind, tenantId, createdAt: now, lastSeenAt: now, expiresAt });
    // The cookie lasts as long as the session can: its idle end moves on with use, on the server.
    return { secret, session: { id, kind, tenantId, expiresAt: this.endOf(now, expiresAt), csrfToken: csrfTokenOf(secret) }, cookieExpiresAt: expiresAt };
  }

  /** The session a cookie's secret opens, if it has not ended; its last use moves on. */
  async verify(secret: string, now = new Date()): Promise<ActiveSession | undefined> {
    if (!/^[\w-]{43}$/.test(secret)) return undefined;
    const em = this.em.fork();
    // A deleted tenant's sessions open nothing (TenantsService.delete); the operator's have no tenant.
    const stored = await this.sessions.findBySecretHash(em, hashToken(secret));
    if (!stored || this.endOf(stored.lastSeenAt, stored.expiresAt) <= now) return undefined;
    if (now.getTime() - stored.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.sessions.touch(em, stored.id, now);
    return { id: stored.id, kind: stored.kind, tenantId: stored.tenantId, expiresAt: this.endOf(now, stored.expiresAt), csrfToken: csrfTokenOf(secret) };
  }

  /** Signs out: the session's row goes, so its cookie opens nothing any more, in any process. */
  async end(sessionId: string): Promise<void> {
    await this.sessions.delete(this.em.fork(), sessionId);
  }

  /** Ends every session of a tenant (the tenant is disabled or removed). */
  async endAllOf(tenantId: string): Promise<void> {
    await this.sessions.deleteAllOf(this.em.fork(), tenantId);
  }

  /** Deletes ended sessions (the nightly job). */
  async prune(now = new Date()): Promise<number> {
    const idleSince = new Date(now.getTime() - this.config.portal.sessionIdleMinutes * 60_000);
    return this.sessions.deleteEnded(this.em.fork(), now, idleSince);
  }

  private endOf(lastUse: Date, absolute: Date): Date {
    return new Date(Math.min(absolute.getTime(), lastUse.getTime() + this.config.portal.sessionIdleMinutes * 60_000));
  }
}

/**
 * The CSRF token of a session: derived from its secret (which only the cookie holds), so it needs no storage
 * and no other session's token matches. Portal writes send it in X-CSRF-Token; a cross-site form cannot.
 */
export function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('roster portal csrf').digest('base64url');
}

export function csrfTokenMatches(session: ActiveSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
