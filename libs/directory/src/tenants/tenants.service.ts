import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { MIN_TENANT_RATE_LIMIT, ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { assertText, ScimError, textProblem } from '@roster/scim-core';
import { isUniqueViolation } from '@roster/platform';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
import { DEPLOYMENT_AUDIT_SCOPE } from '../audit/audit-query.service';
import { diffDocuments } from '../audit/diff';
import { TenantChanges } from './tenant-changes';
import { TenantEntity } from './tenant.entity';
import { isUuid } from '../shared/ids';
import { SLUG_PATTERN, slugify } from './slug';

export interface TenantView {
  id: string;
  name: string;
  slug: string;
  scimEnabled: boolean;
  rateLimitPerSecond: number | null;
  createdAt: Date;
  updatedAt: Date;
  /** Deleted (answering nothing), restorable until purgeAfter, when the nightly job purges its data. */
  deletedAt: Date | null;
  purgeAfter: Date | null;
}

const DAY_MS = 86_400_000;

@Injectable()
export class TenantsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly changes: TenantChanges,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  async create(input: { name: string; slug?: string }, context: AuditContext): Promise<TenantView> {
    const name = validName(input.name);
    if (input.slug !== undefined && !SLUG_PATTERN.test(input.slug)) {
      throw ScimError.invalidValue('slug must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash');
    }
    // A slug shaped like an id could shadow another tenant's id in SCIM base URLs (…/scim/v2/{slug-or-id}).
    if (input.slug !== undefined && isUuid(input.slug)) throw ScimError.invalidValue('slug must not look like a tenant id (a UUID)');
    // An explicit slug that is taken is a conflict; a derived one gets a short random suffix.
    for (let attempt = 0; attempt < 5; attempt++) {
      const derived = slugify(name);
      const slug = input.slug ?? (attempt === 0 && !isUuid(derived) ? derived : `${derived.slice(0, 50)}-${randomBytes(3).toString('hex')}`);
      try {
        return await this.em.transactional(async (em) => {
          const tenant = em.create(TenantEntity, { name, slug });
          await this.audit.record(em, tenant.id, context, {
            action: 'tenant.created',
            resource: { type: 'Tenant', id: tenant.id, name },
            changes: diffDocuments({}, { name, slug, scimEnabled: true }),
            httpStatus: 201,
          });
          return toView(tenant);
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (input.slug !== undefined) throw ScimError.uniqueness(`A tenant with slug "${input.slug}" already exists`);
      }
    }
    throw ScimError.uniqueness('Could not find a free slug; pass one explicitly');
  }

  /** Every tenant; `includeDeleted` adds those deleted and not yet purged (the operator's list). */
  async list(options: { includeDeleted?: boolean } = {}): Promise<TenantView[]> {
    const tenants = await this.em.find(TenantEntity, options.includeDeleted ? {} : { deletedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return tenants.map(toView);
  }

  /** A tenant by id or slug; a deleted one only with `includeDeleted` (the operator looking at it). */
  async get(key: string, options: { includeDeleted?: boolean } = {}): Promise<TenantView> {
    return toView(await this.require(key, options));
  }

  /**
   * By id or slug: both appear in SCIM base URLs and the admin API. An id always wins, so a slug can never
   * shadow another tenant's id (new slugs cannot look like ids; one stored before that rule is reached only
   * when no tenant has that id). A deleted tenant is found only with `includeDeleted`.
   */
  async findByKey(key: string, options: { includeDeleted?: boolean } = {}): Promise<TenantView | undefined> {
    const tenant = await this.entityByKey(this.em, key, options);
    return tenant ? toView(tenant) : undefined;
  }

  /**
   * Deletes the tenant: from the commit on it answers nothing (its tokens, SCIM URL, event streams and portal
   * sessions are refused, in every process within a second); its data stays until purgeAfter, the deletion
   * plus ROSTER_DELETED_TENANT_RETENTION_DAYS, or now with `purgeNow` (TenantPurge). Recorded in the
   * deployment's audit trail, which outlives the tenant. Deleting it again can only bring the purge forward.
   */
  async delete(key: string, options: { purgeNow?: boolean }, context: AuditContext): Promise<TenantView> {
    const now = new Date();
    const deleted = await this.em.transactional(async (em) => {
      const tenant = await this.entityByKey(em, key, { includeDeleted: true });
      if (!tenant) throw ScimError.notFound(`Tenant ${key} not found`);
      const before = { deletedAt: tenant.deletedAt ?? null, purgeAfter: tenant.purgeAfter ?? null };
      tenant.deletedAt ??= now;
      const purgeAfter = options.purgeNow ? now : new Date(now.getTime() + this.config.deletedTenantRetentionDays * DAY_MS);
      if (!tenant.purgeAfter || purgeAfter < tenant.purgeAfter) tenant.purgeAfter = purgeAfter;
      const changes = diffDocuments(toAuditTimes(before), toAuditTimes({ deletedAt: tenant.deletedAt, purgeAfter: tenant.purgeAfter }));
      if (changes.length)
        await this.audit.record(em, DEPLOYMENT_AUDIT_SCOPE, context, {
          action: 'tenant.deleted',
          resource: { type: 'Tenant', id: tenant.id, name: tenant.name },
          changes,
          httpStatus: 200,
        });
      return toView(tenant);
    });
    this.changes.changed(deleted.id);
    return deleted;
  }

  /** Undoes a deletion whose purge has not begun (409 once it has: part of the data may be gone). */
  async restore(key: string, context: AuditContext): Promise<TenantView> {
    const restored = await this.em.transactional(async (em) => {
      const tenant = await this.entityByKey(em, key, { includeDeleted: true });
      if (!tenant) throw ScimError.notFound(`Tenant ${key} not found`);
      if (!tenant.deletedAt) return toView(tenant);
      if (tenant.purgeStartedAt) throw ScimError.conflict(`Tenant ${tenant.slug} is being purged and can no longer be restored`);
      const changes = diffDocuments(toAuditTimes({ deletedAt: tenant.deletedAt, purgeAfter: tenant.purgeAfter ?? null }), {
        deletedAt: null,
        purgeAfter: null,
      });
      tenant.deletedAt = null;
      tenant.purgeAfter = null;
      await this.audit.record(em, DEPLOYMENT_AUDIT_SCOPE, context, {
        action: 'tenant.restored',
        resource: { type: 'Tenant', id: tenant.id, name: tenant.name },
        changes,
        httpStatus: 200,
      });
      return toView(tenant);
    });
    this.changes.changed(restored.id);
    return restored;
  }

  async update(id: string, input: { name?: string; scimEnabled?: boolean; rateLimitPerSecond?: number | null }, context: AuditContext): Promise<TenantView> {
    const rate = input.rateLimitPerSecond;
    if (rate !== undefined && rate !== null && (!Number.isInteger(rate) || rate < MIN_TENANT_RATE_LIMIT || rate > 1_000_000)) {
      throw ScimError.invalidValue(`rateLimitPerSecond must be an integer from ${MIN_TENANT_RATE_LIMIT} to 1000000, or null`);
    }
    const updated = await this.em.transactional(async (em) => {
      const tenant = await this.entityByKey(em, id);
      if (!tenant) throw ScimError.notFound(`Tenant ${id} not found`);
      const before = { name: tenant.name, scimEnabled: tenant.scimEnabled, rateLimitPerSecond: tenant.rateLimitPerSecond ?? null };
      if (input.name !== undefined) tenant.name = validName(input.name);
      if (input.scimEnabled !== undefined) tenant.scimEnabled = input.scimEnabled;
      if (rate !== undefined) tenant.rateLimitPerSecond = rate;
      const changes = diffDocuments(before, { name: tenant.name, scimEnabled: tenant.scimEnabled, rateLimitPerSecond: tenant.rateLimitPerSecond ?? null });
      if (changes.length) {
        tenant.updatedAt = new Date();
        await this.audit.record(em, tenant.id, context, {
          action: 'tenant.updated',
          resource: { type: 'Tenant', id: tenant.id, name: tenant.name },
          changes,
          httpStatus: 200,
        });
      }
      return toView(tenant);
    });
    // Committed: this process stops serving the old settings at once (other processes within a second).
    this.changes.changed(updated.id);
    return updated;
  }

  /** The tenant by id or slug, or 404; a deleted one only with `includeDeleted` (its data is out of reach). */
  async require(key: string, options: { includeDeleted?: boolean } = {}): Promise<TenantEntity> {
    const tenant = await this.entityByKey(this.em, key, options);
    if (!tenant) throw ScimError.notFound(`Tenant ${key} not found`);
    return tenant;
  }

  private async entityByKey(em: EntityManager, key: string, options: { includeDeleted?: boolean } = {}): Promise<TenantEntity | null> {
    if (key.length > 63 || textProblem(key)) return null;
    const lower = key.toLowerCase();
    const live = options.includeDeleted ? {} : { deletedAt: null };
    return (isUuid(key) ? await em.findOne(TenantEntity, { id: lower, ...live }) : null) ?? (await em.findOne(TenantEntity, { slug: lower, ...live }));
  }
}

function toAuditTimes(times: { deletedAt: Date | null; purgeAfter: Date | null }) {
  return { deletedAt: times.deletedAt?.toISOString() ?? null, purgeAfter: times.purgeAfter?.toISOString() ?? null };
}

// The admin API checks its bodies against the contract; the CLI comes straight here, so the rule lives here.
function validName(raw: string): string {
  const name = raw.trim();
  if (!name) throw ScimError.invalidValue('name must not be empty');
  assertText(name, 'name', 200);
  return name;
}

function toView(tenant: TenantEntity): TenantView {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    scimEnabled: tenant.scimEnabled,
    rateLimitPerSecond: tenant.rateLimitPerSecond ?? null,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
    deletedAt: tenant.deletedAt ?? null,
    purgeAfter: tenant.purgeAfter ?? null,
  };
}
