import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { runSql, runSqlWrite, sqlTime } from '../shared/sql';

/** The SQL of setup_links: a link is stored by the hash of its secret and used at most once. */
@Injectable()
export class SetupLinksRepository {
  async insert(em: EntityManager, link: { id: string; tenantId: string; secretHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await runSqlWrite(em, 'INSERT INTO setup_links (id, tenant_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
      link.id,
      link.tenantId,
      link.secretHash,
      sqlTime(em, link.createdAt),
      sqlTime(em, link.expiresAt),
    ]);
  }

  /** Marks the link used if it is unused, unexpired and its tenant not deleted, in one statement: its tenant. */
  async useUp(em: EntityManager, secretHash: string, now: Date): Promise<string | undefined> {
    const rows = await runSql<{ tenant_id: string }>(
      em,
      `UPDATE setup_links SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?
          AND tenant_id IN (SELECT id FROM tenants WHERE deleted_at IS NULL) RETURNING tenant_id`,
      [sqlTime(em, now), secretHash, sqlTime(em, now)],
    );
    return rows[0]?.tenant_id;
  }

  deleteExpiredBefore(em: EntityManager, cutoff: Date): Promise<number> {
    return runSqlWrite(em, 'DELETE FROM setup_links WHERE expires_at < ?', [sqlTime(em, cutoff)]);
  }
}
