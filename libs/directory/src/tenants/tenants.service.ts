import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ScimError } from '@roster/scim-core';
import { isUniqueViolation } from '@roster/platform';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
import { diffDocuments } from '../audit/diff';
import { TenantEntity } from './tenant.entity';
import { isUuid } from '../shared/ids';
import { SLUG_PATTERN, slugify } from './slug';

export interface TenantView {
  id: string;
  name: string;
  slug: string;
  scimEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}


@Injectable()
export class TenantsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  async create(input: { name: string; slug?: string }, context: AuditContext): Promise<TenantView> {
    const name = input.name.trim();
    if (!name) throw ScimError.invalidValue('name must not be empty');
    if (input.slug !== undefined && !SLUG_PATTERN.test(input.slug)) {
      throw ScimError.invalidValue('slug must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash');
    }
    // An explicit slug that is taken is a conflict; a derived one gets a short random suffix.
    for (let attempt = 0; attempt < 5; attempt++) {
      const slug = input.slug ?? (attempt === 0 ? slugify(name) : `${slugify(name)}-${randomBytes(3).toString('hex')}`);
      try {
        return await this.em.transactional(async (em) => {
          const tenant = em.create(TenantEntity, { name, slug });
          this.audit.record(em, tenant.id, context, {
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

  /** By id or slug: both appear in SCIM base URLs. */
  async findByKey(key: string): Promise<TenantView | undefined> {
    const tenant = isUuid(key)
      ? await this.em.findOne(TenantEntity, { $or: [{ id: key.toLowerCase() }, { slug: key.toLowerCase() }] })
      : await this.em.findOne(TenantEntity, { slug: key.toLowerCase() });
    return tenant ? toView(tenant) : undefined;
  }

  async update(id: string, input: { name?: string; scimEnabled?: boolean }, context: AuditContext): Promise<TenantView> {
    return this.em.transactional(async (em) => {
      const tenant = await em.findOne(TenantEntity, { id: normaliseId(id) });
      if (!tenant) throw ScimError.notFound(`Tenant ${id} not found`);
      const before = { name: tenant.name, scimEnabled: tenant.scimEnabled };
      if (input.name !== undefined) {
        if (!input.name.trim()) throw ScimError.invalidValue('name must not be empty');
        tenant.name = input.name.trim();
      }
      if (input.scimEnabled !== undefined) tenant.scimEnabled = input.scimEnabled;
      const changes = diffDocuments(before, { name: tenant.name, scimEnabled: tenant.scimEnabled });
      if (changes.length) {
        tenant.updatedAt = new Date();
        this.audit.record(em, tenant.id, context, { action: 'tenant.updated', resource: { type: 'Tenant', id: tenant.id, name: tenant.name }, changes, httpStatus: 200 });
      }
      return toView(tenant);
    });
  }

  async require(id: string): Promise<TenantEntity> {
    const tenant = isUuid(id) ? await this.em.findOne(TenantEntity, { id: normaliseId(id) }) : null;
    if (!tenant) throw ScimError.notFound(`Tenant ${id} not found`);
    return tenant;
  }
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
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}
