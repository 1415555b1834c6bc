import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { fromSql, runSql, runSqlWrite, sqlTime } from '../shared/sql';
import type { PortalSessionKind } from './portal-session.entity';

export interface StoredPortalSession {
  id: string;
  kind: PortalSessionKind;
  tenantId: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** The SQL of portal_sessions: a session is found by the hash of its cookie's secret. */
@Injectable()
export class PortalSessionsRepository {
  async insert(em: EntityManager, session: StoredPortalSession & { secretHash: string; createdAt: Date }): Promise<void> {
    await runSqlWrite(em, 'INSERT INTO portal_sessions (id, secret_hash, kind, tenant_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      session.id,
      session.secretHash,
      session.kind,
      session.tenantId,
      sqlTime(em, session.createdAt),
      sqlTime(em, session.lastSeenAt),
      sqlTime(em, session.expiresAt),
    ]);
  }

  /** The session of this secret, unless its tenant has been deleted (the operator's sessions have none). */
  async findBySecretHash(em: EntityManager, secretHash: string): Promise<StoredPortalSession | undefined> {
    const [row] = await runSql(
      em,
      `SELECT s.id AS id, s.kind AS kind, s.tenant_id AS tenant_id, s.last_seen_at AS last_seen_at, s.expires_at AS expires_at
         FROM portal_sessions s LEFT JOIN tenants t ON t.id = s.tenant_id
        WHERE s.secret_hash = ? AND (s.tenant_id IS NULL OR t.deleted_at IS NULL)`,
      [secretHash],
    );
    if (!row) return undefined;
    return {
      id: String(row.id),
      kind: row.kind as PortalSessionKind,
      tenantId: (row.tenant_id as string | null) ?? null,
      lastSeenAt: fromSql.time(row.last_seen_at),
      expiresAt: fromSql.time(row.expires_at),
    };
  }

  async touch(em: EntityManager, id: string, at: Date): Promise<void> {
    await runSqlWrite(em, 'UPDATE portal_sessions SET last_seen_at = ? WHERE id = ?', [sqlTime(em, at), id]);
  }

  async delete(em: EntityManager, id: string): Promise<void> {
    await runSqlWrite(em, 'DELETE FROM portal_sessions WHERE id = ?', [id]);
  }

  async deleteAllOf(em: EntityManager, tenantId: string): Promise<void> {
    await runSqlWrite(em, 'DELETE FROM portal_sessions WHERE tenant_id = ?', [tenantId]);
  }

  /** Sessions past their absolute end or unused since `idleSince`; how many went. */
  deleteEnded(em: EntityManager, now: Date, idleSince: Date): Promise<number> {
    return runSqlWrite(em, 'DELETE FROM portal_sessions WHERE expires_at <= ? OR last_seen_at <= ?', [sqlTime(em, now), sqlTime(em, idleSince)]);
  }
}
