import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { deepEqual, ScimError, toResourceDocument, UserResourceType } from '@roster/scim-core';
import { countedRows, recountResources, resourceCount } from '../shared/resource-counts';
import { dialectOf } from '../shared/sql';
import { TenantEntity } from '../tenants/tenant.entity';
import { deriveUserColumns, type DerivedUserColumns } from '../users/user.columns';
import { UserEntity } from '../users/user.entity';
import { managerOf } from '../users/user.mapper';
import { UsersRepository } from '../users/users.repository';
import { rebuildSearchRows, staleSearchRows } from '../users/user-search-index';
import { MAX_DRIFT_KEPT, type Drift, type TenantReport } from './drift';

const PAGE = 500;
// Derived data the walk rewrites from the document; the rest is reported only.
const REPAIRABLE = new Set<Drift['kind']>(['columns', 'emails', 'search']);

export interface ReconcileOptions {
  repair: boolean;
  /** Called after every page with the number of users checked so far. */
  onProgress?: (usersChecked: number) => void;
}
const COLUMNS: (keyof Omit<DerivedUserColumns, 'emails'>)[] = ['userName', 'userNameCi', 'externalId', 'displayName', 'active', 'identityEmailCi'];

/**
 * The nightly walk: every user of every tenant, a page at a time (keyset on id, one fork per page, so
 * memory stays flat whatever the tenant's size), checking that the document still validates against the
 * current schema and that the indexed columns, email rows and (SQLite) search rows still say what the
 * document says.
 * With `repair`, derived data is rewritten from the document; the document itself is never changed.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersRepository,
  ) {}

  async *run(options: ReconcileOptions): AsyncGenerator<TenantReport> {
    const tenants = await this.em.fork().find(TenantEntity, { deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    for (const tenant of tenants) yield await this.reconcileTenant(tenant, options);
  }

  async reconcileTenant(tenant: TenantEntity, options: ReconcileOptions): Promise<TenantReport> {
    const report: TenantReport = { tenantId: tenant.id, slug: tenant.slug, usersChecked: 0, drift: [], driftCounts: {}, repaired: 0 };
    const note = (drift: Drift) => {
      report.driftCounts[drift.kind] = (report.driftCounts[drift.kind] ?? 0) + 1;
      if (report.drift.length < MAX_DRIFT_KEPT) report.drift.push(drift);
    };
    let after = '';
    for (;;) {
      const em = this.em.fork();
      const users = await em.find(UserEntity, { tenantId: tenant.id, ...(after ? { id: { $gt: after } } : {}) }, { orderBy: { id: 'asc' }, limit: PAGE });
      if (!users.length) break;
      after = users[users.length - 1].id;
      const emails = await this.users.storedEmailsOf(
        em,
        users.map((u) => u.id),
      );
      const managers = await this.users.existingIds(
        em,
        tenant.id,
        users.map(managerOf).filter((id): id is string => !!id),
      );
      // SQLite's search rows are kept by triggers; PostgreSQL's trigram indexes by the database itself.
      const staleSearch =
        dialectOf(em) === 'sqlite'
          ? await staleSearchRows(
              em,
              users.map((u) => u.id),
            )
          : new Map<string, string>();
      for (const user of users) {
        report.usersChecked++;
        const drift = this.check(user, emails.get(user.id) ?? [], managers);
        const search = staleSearch.get(user.id);
        if (search) drift.push({ tenantId: tenant.id, userId: user.id, kind: 'search', detail: search });
        drift.forEach(note);
        if (drift.some((d) => REPAIRABLE.has(d.kind)) && options.repair && !drift.some((d) => d.kind === 'document')) {
          if (await this.repair(user, !!search)) report.repaired++;
        }
      }
      options.onProgress?.(report.usersChecked);
    }
    await this.checkCounts(tenant, report, options, note);
    return report;
  }

  /** The kept per-tenant counts behind unfiltered totalResults must equal the rows; --repair recounts. */
  private async checkCounts(tenant: TenantEntity, report: TenantReport, options: ReconcileOptions, note: (drift: Drift) => void): Promise<void> {
    const em = this.em.fork();
    for (const type of ['User', 'Group'] as const) {
      const actual = await countedRows(em, tenant.id, type);
      const kept = (await resourceCount(em, tenant.id, type)) ?? 0;
      if (kept === actual) continue;
      note({ tenantId: tenant.id, userId: type, kind: 'counts', detail: `${type} count is kept as ${kept}, the tenant has ${actual}` });
      if (!options.repair) continue;
      await recountResources(em, tenant.id, type);
      report.repaired++;
    }
  }

  private check(user: UserEntity, storedEmails: string[], existingManagers: Set<string>): Drift[] {
    const drift: Drift[] = [];
    const at = (kind: Drift['kind'], detail: string) => drift.push({ tenantId: user.tenantId, userId: user.id, kind, detail });
    try {
      const revalidated = toResourceDocument(UserResourceType, user.document);
      if (!deepEqual(revalidated, user.document))
        at('document', 'the stored document no longer matches the schema (attributes dropped or retyped on re-validation)');
    } catch (error) {
      at('document', `the stored document fails validation: ${error instanceof ScimError ? error.detail : String(error)}`);
      return drift;
    }
    let derived: DerivedUserColumns;
    try {
      derived = deriveUserColumns(user.document);
    } catch (error) {
      at('document', `cannot derive columns: ${error instanceof ScimError ? error.detail : String(error)}`);
      return drift;
    }
    for (const column of COLUMNS) {
      const stored = user[column] ?? null;
      if (stored !== derived[column]) at('columns', `${column} is ${JSON.stringify(stored)}, the document says ${JSON.stringify(derived[column])}`);
    }
    const bytes = documentBytesOf(user);
    if (user.documentBytes !== bytes) at('columns', `documentBytes is ${user.documentBytes}, the document takes ${bytes}`);
    // A deleted manager leaves a dangling reference; it is reported, not repaired (the IdP owns it).
    const managerId = managerOf(user);
    if (managerId && !existingManagers.has(managerId.toLowerCase())) at('reference', `manager ${managerId} is not a user of this tenant`);
    const expected = derived.emails.map((e) => e.valueCi).sort();
    if (!deepEqual(expected, [...storedEmails].sort()))
      at('emails', `email index rows ${JSON.stringify(storedEmails)} differ from the document's ${JSON.stringify(expected)}`);
    return drift;
  }

  /**
   * Rewrites one user's derived data from the document read earlier, in its own transaction, and only if
   * the user is still at the version that was read: a write the server made meanwhile derived its own
   * columns from a newer document and must not be overwritten. Returns whether it repaired.
   */
  async repair(user: UserEntity, searchRows = false): Promise<boolean> {
    const { emails, ...columns } = deriveUserColumns(user.document);
    return this.em.fork().transactional(async (em) => {
      if (!(await this.users.rewriteDerivedColumns(em, user, { ...columns, documentBytes: documentBytesOf(user) }, user.version))) return false;
      await this.users.replaceEmails(em, user, { ...columns, emails });
      if (searchRows) await rebuildSearchRows(em, user.id);
      return true;
    });
  }
}

/** The size the user's document takes as Roster writes it (its JSON's UTF-8 bytes, whatever the key order). */
function documentBytesOf(user: UserEntity): number {
  return Buffer.byteLength(JSON.stringify(user.document));
}
