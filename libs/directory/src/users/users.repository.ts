import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import type { ListQuery } from '@roster/scim-core';
import { isUuid } from '../shared/ids';
import { findResource, listResources } from '../shared/resource-query';
import type { DerivedUserColumns } from './user.columns';
import { UserEmailEntity } from './user-email.entity';
import { UserEntity } from './user.entity';
import { userStorage } from './user.storage';


/** All User queries; every method is scoped by tenant. */
@Injectable()
export class UsersRepository {
  findById(em: EntityManager, tenantId: string, id: string, forUpdate = false): Promise<UserEntity | null> {
    return findResource(em, UserEntity, tenantId, id, forUpdate);
  }

  async list(em: EntityManager, tenantId: string, query: ListQuery): Promise<{ total: number; users: UserEntity[] }> {
    const { total, items } = await listResources(em, UserEntity, userStorage, tenantId, query);
    return { total, users: items };
  }

  /** What another user of the tenant already holds: the same userName or the same identity email. */
  async conflictOf(em: EntityManager, tenantId: string, columns: DerivedUserColumns, selfId?: string): Promise<'userName' | 'email' | undefined> {
    const others = await em.find(
      UserEntity,
      { tenantId, $or: [{ userNameCi: columns.userNameCi }, { identityEmailCi: columns.identityEmailCi }], ...(selfId ? { id: { $ne: selfId } } : {}) },
      { fields: ['id', 'userNameCi'], limit: 2 },
    );
    if (!others.length) return undefined;
    return others.some((u) => u.userNameCi === columns.userNameCi) ? 'userName' : 'email';
  }

  /** Which of these ids are users of the tenant (for group members and managers). */
  async existingIds(em: EntityManager, tenantId: string, ids: string[]): Promise<Set<string>> {
    const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (!valid.length) return new Set();
    const found = new Set<string>();
    for (let i = 0; i < valid.length; i += 500) {
      const rows = await em.find(UserEntity, { tenantId, id: { $in: valid.slice(i, i + 500) } }, { fields: ['id'] });
      rows.forEach((r) => found.add(r.id));
    }
    return found;
  }

  async userNames(em: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const rows = ids.length ? await em.find(UserEntity, { tenantId, id: { $in: ids } }, { fields: ['id', 'userName'] }) : [];
    return new Map(rows.map((r) => [r.id, r.userName]));
  }

  /** Rewrites the email index rows of a user inside the caller's unit of work. */
  async replaceEmails(em: EntityManager, user: UserEntity, columns: DerivedUserColumns, isNew: boolean): Promise<void> {
    if (!isNew) await em.nativeDelete(UserEmailEntity, { userId: user.id });
    for (const email of columns.emails) {
      em.persist(em.create(UserEmailEntity, { userId: user.id, tenantId: user.tenantId, ...email }));
    }
  }

  async delete(em: EntityManager, user: UserEntity): Promise<void> {
    await em.nativeDelete(UserEmailEntity, { userId: user.id });
    em.remove(user);
  }
}
