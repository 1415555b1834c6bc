import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { BoundedMap } from '@roster/platform';
import { assertText, ScimError } from '@roster/scim-core';
import { AuditService } from '../audit/audit.service';
import type { AuditContext } from '../audit/audit-context';
import { TenantChanges } from '../tenants/tenant-changes';
import { TenantsService } from '../tenants/tenants.service';
import { isUuid } from '../shared/ids';
import { runSql } from '../shared/sql';
import { ScimTokenEntity, type TokenScope } from './scim-token.entity';
import { generateToken, hashesEqual, hashToken } from './token-secret';

export interface IssueTokenInput {
  /** `provision` (default): the IdP's token. `read`: the host application's, GET and .search only. */
  scope?: TokenScope;
  description?: string;
  expiresInDays?: number;
  revokeOthersAfterSeconds?: number;
}

export interface TokenView {
  id: string;
  prefix: string;
  scope: TokenScope;
  description: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export type AuthenticationResult =
  | { ok: true; tenantId: string; tokenId: string; scope: TokenScope; slug: string; rateLimitPerSecond: number | null; eventStreams: boolean }
  | { ok: false; status: 401 | 403; reason: string; tenantId?: string };

const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
const MAX_EXPIRY_DAYS = 3650;
/** How long a successful authentication is trusted without asking the database again. */
export const AUTH_CACHE_MS = 1000;
const AUTH_CACHE_MAX_ENTRIES = 10_000;
// lastUsedAt is kept to the minute, so a busy IdP does not cost a write per request.
const LAST_USED_GRANULARITY_MS = 60_000;

@Injectable()
export class TokensService {
  private readonly recent = new BoundedMap<string, { result: AuthenticationResult; until: number }>(AUTH_CACHE_MAX_ENTRIES);
  /** Moves on whenever remembered authentications are forgotten (see authenticate). */
  private generation = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    changes: TenantChanges,
  ) {
    changes.onChange((tenantId) => this.forgetTenant(tenantId));
  }

  /** Issues a token and revokes the tenant's earlier ones of the same scope (now, or after the overlap). */
  async issue(tenantId: string, input: IssueTokenInput, context: AuditContext, now = new Date()): Promise<TokenView & { token: string }> {
    const tenant = await this.tenants.require(tenantId);
    // The admin API checks its body against the contract; the CLI comes straight here, so the rules live here.
    const overlap = input.revokeOthersAfterSeconds ?? 0;
    if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_OVERLAP_SECONDS) {
      throw ScimError.invalidValue(`revokeOthersAfterSeconds must be a whole number of seconds from 0 to ${MAX_OVERLAP_SECONDS}`);
    }
    const days = input.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRY_DAYS)) {
      throw ScimError.invalidValue(`expiresInDays must be a whole number of days from 1 to ${MAX_EXPIRY_DAYS}`);
    }
    if (input.description !== undefined) assertText(input.description, 'description', 200);
    const scope = input.scope ?? 'provision';
    if (scope !== 'provision' && scope !== 'read') throw ScimError.invalidValue('scope must be "provision" or "read"');
    const secret = generateToken();
    const revokeAt = new Date(now.getTime() + overlap * 1000);
    const issued = await this.em.transactional(async (em) => {
      const others = await em.find(ScimTokenEntity, { tenantId: tenant.id, scope, $or: [{ revokedAt: null }, { revokedAt: { $gt: revokeAt } }] });
      for (const other of others) {
        const before = other.revokedAt?.toISOString() ?? null;
        other.revokedAt = revokeAt;
        await this.audit.record(
          em,
          tenant.id,
          context,
          {
            action: 'token.revoked',
            resource: { type: 'Token', id: other.id, name: other.prefix },
            changes: [{ path: 'revokedAt', before, after: revokeAt.toISOString() }],
            httpStatus: 201,
          },
          now,
        );
      }
      const token = em.create(ScimTokenEntity, {
        tenantId: tenant.id,
        tokenHash: secret.hash,
        prefix: secret.prefix,
        scope,
        description: input.description?.trim() || null,
        createdAt: now,
        expiresAt: days !== undefined ? new Date(now.getTime() + days * 86_400_000) : null,
      });
      await this.audit.record(
        em,
        tenant.id,
        context,
        {
          action: 'token.issued',
          resource: { type: 'Token', id: token.id, name: token.prefix },
          changes: [
            { path: 'scope', before: null, after: scope },
            { path: 'description', before: null, after: token.description ?? null },
            { path: 'expiresAt', before: null, after: token.expiresAt?.toISOString() ?? null },
          ],
          httpStatus: 201,
        },
        now,
      );
      return { ...toView(token), token: secret.token };
    });
    // Committed: a token revoked without overlap stops working in this process at once.
    this.forgetTenant(tenant.id);
    return issued;
  }

  async list(tenantId: string): Promise<TokenView[]> {
    const tenant = await this.tenants.require(tenantId);
    const tokens = await this.em.find(ScimTokenEntity, { tenantId: tenant.id }, { orderBy: { createdAt: 'desc', id: 'desc' } });
    return tokens.map(toView);
  }

  async revoke(tenantId: string, tokenId: string, context: AuditContext, now = new Date()): Promise<void> {
    const tenant = await this.tenants.require(tenantId);
    await this.em.transactional(async (em) => {
      const token = isUuid(tokenId) ? await em.findOne(ScimTokenEntity, { id: tokenId.toLowerCase(), tenantId: tenant.id }) : null;
      if (!token) throw ScimError.notFound(`Token ${tokenId} not found`);
      if (token.revokedAt && token.revokedAt <= now) return;
      const before = token.revokedAt?.toISOString() ?? null;
      token.revokedAt = now;
      await this.audit.record(
        em,
        tenant.id,
        context,
        {
          action: 'token.revoked',
          resource: { type: 'Token', id: token.id, name: token.prefix },
          changes: [{ path: 'revokedAt', before, after: now.toISOString() }],
          httpStatus: 204,
        },
        now,
      );
    });
    this.forgetTenant(tenant.id);
  }

  /**
   * Checks a presented token against the tenant named in the URL (slug or id). The token is found by
   * its hash (an index lookup) and the stored hash is compared in constant time.
   */
  async authenticate(tenantKey: string, presented: string, now = new Date()): Promise<AuthenticationResult> {
    const hash = hashToken(presented);
    const cacheKey = `${tenantKey.toLowerCase()}|${hash}`;
    const cached = this.recent.get(cacheKey);
    if (cached && cached.until > now.getTime()) return cached.result;
    // A revocation committed while the database was being asked must not be undone by remembering what
    // was read before it: the answer is remembered only if nothing was forgotten meanwhile.
    const generation = this.generation;
    const result = await this.authenticateInDatabase(tenantKey, hash, now);
    if (result.ok && generation === this.generation) this.remember(cacheKey, result, now.getTime());
    return result;
  }

  /**
   * Successful authentications are remembered for AUTH_CACHE_MS, so an IdP's burst of requests costs one
   * lookup a second instead of two per request. The process that revokes a token, issues one or changes a
   * tenant forgets the tenant's at once; other processes take up the change within that second. Failures
   * are never remembered.
   */
  private remember(key: string, result: AuthenticationResult, now: number): void {
    this.recent.set(key, { result, until: now + AUTH_CACHE_MS });
  }

  /** Forgets this process's remembered authentications of a tenant (its tokens, settings or event streams changed). */
  forgetTenant(tenantId: string): void {
    this.generation++;
    for (const [key, entry] of this.recent) if (entry.result.ok && entry.result.tenantId === tenantId) this.recent.delete(key);
  }

  private async authenticateInDatabase(tenantKey: string, hash: string, now: Date): Promise<AuthenticationResult> {
    const tenant = await this.tenants.findByKey(tenantKey);
    if (!tenant) return { ok: false, status: 401, reason: 'unknown tenant' };
    const em = this.em.fork();
    const token = await em.findOne(ScimTokenEntity, { tokenHash: hash });
    if (!token || !hashesEqual(token.tokenHash, hash)) return { ok: false, status: 401, reason: 'unknown token', tenantId: tenant.id };
    if (token.tenantId !== tenant.id) return { ok: false, status: 401, reason: "another tenant's token", tenantId: tenant.id };
    if (token.revokedAt && token.revokedAt <= now) return { ok: false, status: 401, reason: 'revoked token', tenantId: tenant.id };
    if (token.expiresAt && token.expiresAt <= now) return { ok: false, status: 401, reason: 'expired token', tenantId: tenant.id };
    if (!tenant.scimEnabled) return { ok: false, status: 403, reason: 'SCIM disabled for tenant', tenantId: tenant.id };
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
      // Bookkeeping only, not awaited: the request neither waits for the write (a read must never queue
      // behind another request's write transaction) nor fails when the database is busy.
      void em.nativeUpdate(ScimTokenEntity, { id: token.id }, { lastUsedAt: now }).catch(() => undefined);
    }
    // Remembered with the rest: a write of a tenant without streams then skips the outbox without a statement.
    const streams = await runSql<{ streams: number | string }>(em, 'SELECT streams FROM event_sequences WHERE tenant_id = ?', [tenant.id]);
    const eventStreams = Number(streams[0]?.streams ?? 0) > 0;
    return {
      ok: true,
      tenantId: tenant.id,
      tokenId: token.id,
      scope: token.scope,
      slug: tenant.slug,
      rateLimitPerSecond: tenant.rateLimitPerSecond,
      eventStreams,
    };
  }
}

function toView(token: ScimTokenEntity): TokenView {
  return {
    id: token.id,
    prefix: token.prefix,
    scope: token.scope,
    description: token.description ?? null,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt ?? null,
    expiresAt: token.expiresAt ?? null,
    revokedAt: token.revokedAt ?? null,
  };
}
