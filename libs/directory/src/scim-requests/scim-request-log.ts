import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager, RequestContext } from '@mikro-orm/core';
import type { Request, Response } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { BoundedMap, type AnsweredListener } from '@roster/platform';
import { textProblem } from '@roster/scim-core';
import { newId } from '../shared/ids';
import { dialectOf, runSqlWrite } from '../shared/sql';
import { TenantsService } from '../tenants/tenants.service';
import type { StoredScimRequest } from './scim-requests.repository';

/** A request waiting to be written: what is stored, and the tenant as the URL named it until it is resolved. */
interface PendingEntry extends StoredScimRequest {
  tenantId?: string;
  tenantKey: string;
}

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 500;
const MAX_PENDING = 20_000;
const BATCH = 500;
const POSTGRES_TYPES = ['uuid', 'uuid', 'text', 'text', 'int', 'text', 'text', 'int', 'text', 'text', 'text'];
const COLUMNS = ['tenant_id', 'id', 'method', 'path', 'status', 'scim_type', 'detail', 'duration_ms', 'user_agent', 'request_id', 'auth_failure'];
const SQLITE_INSERT = `INSERT INTO scim_requests (${COLUMNS.join(', ')}) SELECT ${COLUMNS.map((_, i) => `j.value ->> ${i}`).join(', ')} FROM json_each(?) j`;
const POSTGRES_INSERT = `INSERT INTO scim_requests (${COLUMNS.join(', ')}) SELECT ${COLUMNS.map((_, i) => `(j.value ->> ${i})::${POSTGRES_TYPES[i]}`).join(', ')} FROM json_array_elements(?::json) j`;
const SCIM_PREFIX = '/scim/v2/';

/**
 * Records every request a tenant's SCIM base URL receives — reads and refused ones included — with what
 * Roster answered, for the portal's connection check and activity pages and the admin API. Recording costs
 * a request one small object: entries are written by this process in batches, once a second (or every 500),
 * by one multi-row INSERT outside any request. A request whose URL names no tenant is not recorded (there is
 * no one to show it to). Never a token, a header other than the user agent, or a body.
 */
@Injectable()
export class ScimRequestLog implements OnApplicationShutdown {
  private readonly logger = new Logger(ScimRequestLog.name);
  private pending: PendingEntry[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private dropped = 0;
  // Tenant keys seen in URLs (slug or id) and the tenant they name, or null for none; kept a minute.
  private readonly tenantIds = new BoundedMap<string, { id: string | null; until: number }>(10_000);

  constructor(
    private readonly em: EntityManager,
    private readonly tenants: TenantsService,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  /** For requestContext: each request to a SCIM URL is noted once its answer has gone. */
  recorder(): AnsweredListener {
    return (req, res, ms) => {
      if (req.path.startsWith(SCIM_PREFIX)) this.record(req, res, ms);
    };
  }

  /** Writes what is pending now (also called at shutdown and by tests that need to read at once). */
  async flush(): Promise<void> {
    // One write at a time; what arrived while one was under way goes in the next.
    while (this.flushing) await this.flushing;
    if (!this.pending.length) return;
    // Outside any request: the tenants service reads through a context of its own.
    this.flushing = RequestContext.create(this.em.fork(), () => this.write()).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }

  private record(req: Request, res: Response, ms: number): void {
    const rest = req.originalUrl.slice(req.originalUrl.indexOf(SCIM_PREFIX) + SCIM_PREFIX.length);
    const slash = rest.search(/[/?]/);
    const tenantKey = safeDecode(slash < 0 ? rest : rest.slice(0, slash));
    if (!tenantKey || tenantKey.length > 63) return;
    const error = res.locals.scimError as { scimType?: string; detail?: string } | undefined;
    this.pending.push({
      id: newId(),
      tenantId: req.scimCaller?.tenantId ?? req.scimAttempt?.tenantId,
      tenantKey,
      method: req.method.slice(0, 10),
      path: clean(slash < 0 ? '/' : rest.slice(slash), 2048) ?? '/',
      status: res.statusCode,
      scimType: error?.scimType ?? null,
      detail: clean(error?.detail, 1000),
      durationMs: Math.round(ms),
      userAgent: clean(req.get('user-agent'), 256),
      requestId: req.requestId ?? '',
      authFailure: clean(req.scimAttempt?.authFailure, 64),
    });
    if (this.pending.length > MAX_PENDING) {
      this.dropped += this.pending.length - MAX_PENDING;
      this.pending.splice(0, this.pending.length - MAX_PENDING);
    }
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  private async write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.pending;
    this.pending = [];
    if (this.dropped) {
      this.logger.warn(`${this.dropped} SCIM request log entries were dropped: the database could not keep up`);
      this.dropped = 0;
    }
    if (!entries.length) return;
    try {
      const em = this.em.fork();
      const known: PendingEntry[] = [];
      for (const entry of entries) {
        entry.tenantId ??= (await this.tenantIdOf(entry.tenantKey)) ?? undefined;
        if (entry.tenantId) known.push(entry);
      }
      // One statement text whatever the batch (SQLite keeps it prepared), its rows in one JSON parameter,
      // written in a transaction of its own, which on SQLite joins the requests' commit groups.
      const insert = dialectOf(em) === 'postgresql' ? POSTGRES_INSERT : SQLITE_INSERT;
      for (let i = 0; i < known.length; i += BATCH) {
        const rows = JSON.stringify(known.slice(i, i + BATCH).map(rowOf));
        await em.transactional((tx) => runSqlWrite(tx, insert, [rows]));
      }
    } catch (error) {
      // The log is for people; provisioning never waits for it or fails with it.
      this.logger.warn(`SCIM request log entries could not be written: ${(error as Error).message}`);
    }
  }

  private async tenantIdOf(key: string): Promise<string | null> {
    const now = Date.now();
    const cached = this.tenantIds.get(key.toLowerCase());
    if (cached && cached.until > now) return cached.id;
    const tenant = await this.tenants.findByKey(key);
    this.tenantIds.set(key.toLowerCase(), { id: tenant?.id ?? null, until: now + 60_000 });
    return tenant?.id ?? null;
  }

  /** How long entries are kept (days) and how many per tenant, for the nightly job. */
  get retention(): { days: number; maxPerTenant: number } {
    return this.config.scimRequestLog;
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Text as the log may keep it: at most `max` characters, without characters no column takes. */
function clean(text: string | undefined | null, max: number): string | null {
  if (!text) return null;
  const cut = text.length <= max ? text : [...text].slice(0, max).join('');
  return textProblem(cut) ? cut.replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/g, '?') : cut;
}

/** An entry as a row of the insert's JSON parameter, in COLUMNS' order. */
function rowOf(e: PendingEntry): unknown[] {
  return [e.tenantId, e.id, e.method, e.path, e.status, e.scimType, e.detail, e.durationMs, e.userAgent, e.requestId, e.authFailure];
}
