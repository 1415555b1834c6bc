import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { fromSql, limitClause, runSql, runSqlWrite, sqlTime } from '../shared/sql';

/** A user deleted over SCIM, as kept until the nightly job purges it (the users repository moves users here). */
export interface DeletedUserRow {
  id: string;
  userName: string;
  externalId: string | null;
  document: unknown;
  version: number;
  createdAt: Date;
  deletedAt: Date;
}

/** The SQL of the deleted_users table (every statement takes the tenant, except the deployment-wide purge). */
@Injectable()
export class DeletedUsersRepository {
  /** Most recently deleted first, keyset-paged on (deletedAt, id); one row more than `limit` says there are more. */
  async page(
    em: EntityManager,
    tenantId: string,
    after: { at: Date; id: string } | undefined,
    limit: number,
  ): Promise<Pick<DeletedUserRow, 'id' | 'userName' | 'externalId' | 'deletedAt'>[]> {
    const rows = await runSql(
      em,
      `SELECT id, user_name, external_id, deleted_at FROM deleted_users WHERE tenant_id = ?${after ? ' AND (deleted_at < ? OR (deleted_at = ? AND id < ?))' : ''}
        ORDER BY deleted_at DESC, id DESC ${limitClause(limit + 1)}`,
      [tenantId, ...(after ? [sqlTime(em, after.at), sqlTime(em, after.at), after.id] : [])],
    );
    return rows.map((row) => ({
      id: String(row.id),
      userName: String(row.user_name),
      externalId: row.external_id == null ? null : String(row.external_id),
      deletedAt: fromSql.time(row.deleted_at),
    }));
  }

  async find(em: EntityManager, tenantId: string, id: string): Promise<DeletedUserRow | undefined> {
    const [row] = await runSql(em, 'SELECT * FROM deleted_users WHERE tenant_id = ? AND id = ?', [tenantId, id]);
    if (!row) return undefined;
    return {
      id: String(row.id),
      userName: String(row.user_name),
      externalId: row.external_id == null ? null : String(row.external_id),
      document: row.document,
      version: Number(row.version),
      createdAt: fromSql.time(row.created_at),
      deletedAt: fromSql.time(row.deleted_at),
    };
  }

  async remove(em: EntityManager, tenantId: string, id: string): Promise<void> {
    await runSqlWrite(em, 'DELETE FROM deleted_users WHERE tenant_id = ? AND id = ?', [tenantId, id]);
  }

  /** Every tenant's users deleted before `cutoff`; how many went. */
  purgeDeletedBefore(em: EntityManager, cutoff: Date): Promise<number> {
    return runSqlWrite(em, 'DELETE FROM deleted_users WHERE deleted_at < ?', [sqlTime(em, cutoff)]);
  }
}
