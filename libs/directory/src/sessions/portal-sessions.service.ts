import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { newId } from '../shared/ids';
import { fromSql, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import { hashToken } from '../tokens/token-secret';
import type { PortalSessionKind } from './portal-session.entity';

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
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** Opens a session; the secret goes into the cookie and nowhere else. */
  async open(kind: PortalSessionKind, tenantId: string | null, now = new Date()): Promise<{ secret: string; session: ActiveSession; cookieExpiresAt: Date }> {
    const secret = randomBytes(32).toString('base64url');
    const id = newId();
    const expiresAt = new Date(now.getTime() + this.config.portal.sessionMaxHours * 3_600_000);
    const em = this.em.fork();
    await runSqlWrite(em, 'INSERT INTO portal_sessions (id, secret_hash, kind, tenant_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      hashToken(secret),
      kind,
      tenantId,
      sqlTime(em, now),
      sqlTime(em, now),
      sqlTime(em, expiresAt),
    ]);
    // The cookie lasts as long as the session can: its idle end moves on with use, on the server.
    return { secret, session: { id, kind, tenantId, expiresAt: this.endOf(now, expiresAt), csrfToken: csrfTokenOf(secret) }, cookieExpiresAt: expiresAt };
  }

  /** The session a cookie's secret opens, if it has not ended; its last use moves on. */
  async verify(secret: string, now = new Date()): Promise<ActiveSession | undefined> {
    if (!/^[\w-]{43}$/.test(secret)) return undefined;
    const em = this.em.fork();
    // A deleted tenant's sessions open nothing (TenantsService.delete); the operator's have no tenant.
    const [row] = await runSql(
      em,
      `SELECT s.id AS id, s.kind AS kind, s.tenant_id AS tenant_id, s.last_seen_at AS last_seen_at, s.expires_at AS expires_at
         FROM portal_sessions s LEFT JOIN tenants t ON t.id = s.tenant_id
        WHERE s.secret_hash = ? AND (s.tenant_id IS NULL OR t.deleted_at IS NULL)`,
      [hashToken(secret)],
    );
    if (!row) return undefined;
    const expiresAt = fromSql.time(row.expires_at);
    const lastSeenAt = fromSql.time(row.last_seen_at);
    if (this.endOf(lastSeenAt, expiresAt) <= now) return undefined;
    if (now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await runSqlWrite(em, 'UPDATE portal_sessions SET last_seen_at = ? WHERE id = ?', [sqlTime(em, now), row.id]);
    }
    return {
      id: String(row.id),
      kind: row.kind as PortalSessionKind,
      tenantId: (row.tenant_id as string | null) ?? null,
      expiresAt: this.endOf(now, expiresAt),
      csrfToken: csrfTokenOf(secret),
    };
  }

  /** Signs out: the session's row goes, so its cookie opens nothing any more, in any process. */
  async end(sessionId: string): Promise<void> {
    await runSqlWrite(this.em.fork(), 'DELETE FROM portal_sessions WHERE id = ?', [sessionId]);
  }

  /** Ends every session of a tenant (the tenant is disabled or removed). */
  async endAllOf(tenantId: string): Promise<void> {
    await runSqlWrite(this.em.fork(), 'DELETE FROM portal_sessions WHERE tenant_id = ?', [tenantId]);
  }

  /** Deletes ended sessions (the nightly job). */
  async prune(now = new Date()): Promise<number> {
    const em = this.em.fork();
    const idleSince = new Date(now.getTime() - this.config.portal.sessionIdleMinutes * 60_000);
    return runSqlWrite(em, 'DELETE FROM portal_sessions WHERE expires_at <= ? OR last_seen_at <= ?', [sqlTime(em, now), sqlTime(em, idleSince)]);
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
