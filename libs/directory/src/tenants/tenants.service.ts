import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { MIN_TENANT_RATE_LIMIT } from '@roster/config';
import { assertText, ScimError, textProblem } from '@roster/scim-core';
import { isUniqueViolation } from '@roster/platform';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
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
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly changes: TenantChanges,
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

  async list(): Promise<TenantView[]> {
    const tenants = await this.em.find(TenantEntity, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return tenants.map(toView);
  }

  async get(id: string): Promise<TenantView> {
    return toView(await this.require(id));
  }

  /**
   * By id or slug: both appear in SCIM base URLs. An id always wins, so a slug can never shadow another
   * tenant's id (new slugs cannot look like ids; one stored before that rule is reached only when no
   * tenant has that id).
   */
  async findByKey(key: string): Promise<TenantView | undefined> {
    if (key.length > 63 || textProblem(key)) return undefined;
    const lower = key.toLowerCase();
    const tenant = (isUuid(key) ? await this.em.findOne(TenantEntity, { id: lower }) : null) ?? (await this.em.findOne(TenantEntity, { slug: lower }));
    return tenant ? toView(tenant) : undefined;
  }

  async update(id: string, input: { name?: string; scimEnabled?: boolean; rateLimitPerSecond?: number | null }, context: AuditContext): Promise<TenantView> {
    const rate = input.rateLimitPerSecond;
    if (rate !== undefined && rate !== null && (!Number.isInteger(rate) || rate < MIN_TENANT_RATE_LIMIT || rate > 1_000_000)) {
      throw ScimError.invalidValue(`rateLimitPerSecond must be an integer from ${MIN_TENANT_RATE_LIMIT} to 1000000, or null`);
    }
    const updated = await this.em.transactional(async (em) => {
      const tenant = await em.findOne(TenantEntity, { id: normaliseId(id) });
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

  async require(id: string): Promise<TenantEntity> {
    const tenant = isUuid(id) ? await this.em.findOne(TenantEntity, { id: normaliseId(id) }) : null;
    if (!tenant) throw ScimError.notFound(`Tenant ${id} not found`);
    return tenant;
  }
}

// The admin API checks its bodies against the contract; the CLI comes straight here, so the rule lives here.
function validName(raw: string): string {
  const name = raw.trim();
  if (!name) throw ScimError.invalidValue('name must not be empty');
  assertText(name, 'name', 200);
  return name;
}

function normaliseId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : '00000000-0000-0000-0000-000000000000';
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
  };
}
