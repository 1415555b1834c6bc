import { resolve } from 'node:path';
import type { DatabaseConfig, RosterConfig } from './roster-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses the environment once; every bad variable is reported together. */
export function loadConfig(env: Record<string, string | undefined>): RosterConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['true', 'on', '1', 'yes'].includes(raw)) return true;
    if (['false', 'off', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be on or off (got "${env[name]}")`);
    return fallback;
  };

  const database = parseDatabaseUrl(env.DATABASE_URL, problems);
  const adminToken = env.ROSTER_ADMIN_TOKEN?.trim() || undefined;
  if (adminToken && adminToken.length < 16) problems.push('ROSTER_ADMIN_TOKEN must be at least 16 characters');

  let publicUrl = env.ROSTER_PUBLIC_URL?.trim() || undefined;
  if (publicUrl) {
    try {
      const url = new URL(publicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
      publicUrl = publicUrl.replace(/\/+$/, '');
      // Okta refuses SCIM base URLs that contain "_".
      if (publicUrl.includes('_')) problems.push('ROSTER_PUBLIC_URL must not contain "_" (Okta rejects such SCIM base URLs)');
    } catch {
      problems.push(`ROSTER_PUBLIC_URL must be an absolute http(s) URL (got "${publicUrl}")`);
    }
  }

  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const config: RosterConfig = {
    port: integer('PORT', 3000, 0, 65535),
    database: database ?? { dialect: 'sqlite', path: resolve('data/roster.db') },
    adminToken,
    metricsToken: env.ROSTER_METRICS_TOKEN?.trim() || undefined,
    publicUrl,
    bodyLimitBytes: integer('ROSTER_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    trustProxy: parseTrustProxy(env.ROSTER_TRUST_PROXY, problems),
    // Entra ID's gallery asks for at least 25 requests per second per tenant: never configurable below it.
    tenantRateLimit: integer('ROSTER_TENANT_RATE_LIMIT', 50, MIN_TENANT_RATE_LIMIT, 1_000_000),
    logLevel: logLevel as RosterConfig['logLevel'],
    scim: {
      defaultCount: integer('ROSTER_SCIM_DEFAULT_COUNT', 100, 1, 1000),
      maxResults: integer('ROSTER_SCIM_MAX_RESULTS', 1000, 1, 10000),
    },
    heavyReads: {
      budgetMs: integer('ROSTER_QUERY_BUDGET_MS', 5000, 100, 600_000),
      // A tenant may use all but one: with 4, a busy tenant's substring searches and ranges run three at once.
      concurrency: integer('ROSTER_HEAVY_READ_CONCURRENCY', 4, 1, 32),
    },
    auditRetentionDays: integer('ROSTER_AUDIT_RETENTION_DAYS', 365, 1, 36500),
    deletedUserRetentionDays: integer('ROSTER_DELETED_USER_RETENTION_DAYS', 30, 1, 36500),
    deletedTenantRetentionDays: integer('ROSTER_DELETED_TENANT_RETENTION_DAYS', 30, 0, 36500),
    events: {
      dispatch: flag('ROSTER_EVENTS_DISPATCH', true),
      allowInsecureEndpoints: flag('ROSTER_EVENTS_ALLOW_INSECURE', false),
      retentionDays: integer('ROSTER_EVENT_RETENTION_DAYS', 7, 1, 3650),
    },
    scimRequestLog: {
      days: integer('ROSTER_SCIM_REQUEST_LOG_DAYS', 7, 1, 365),
      maxPerTenant: integer('ROSTER_SCIM_REQUEST_LOG_MAX_PER_TENANT', 100_000, 100, 10_000_000),
    },
    portal: portalSettings(env, problems, integer),
    sqlDebug: env.ROSTER_SQL_DEBUG === '1',
  };
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

export const MIN_TENANT_RATE_LIMIT = 25;

const PROXY_TOKEN = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;

/** unset/false → trust no proxy; true → trust any; N → N hops; else a comma list of addresses, subnets or names. */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.every((t) => PROXY_TOKEN.test(t))) return tokens.join(',');
  problems.push(`ROSTER_TRUST_PROXY must be true, false, a hop count, or a comma list of addresses/subnets (got "${raw}")`);
  return false;
}

/** unset → ./data/roster.db; `sqlite:<path>` or `sqlite::memory:`; `postgres://…` / `postgresql://…`. */
export function parseDatabaseUrl(raw: string | undefined, problems: string[] = []): DatabaseConfig | undefined {
  const value = raw?.trim();
  if (!value) return { dialect: 'sqlite', path: resolve('data/roster.db') };
  if (/^sqlite:/i.test(value)) {
    const path = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) {
      problems.push('DATABASE_URL "sqlite:" needs a path, e.g. sqlite:./data/roster.db or sqlite::memory:');
      return undefined;
    }
    return { dialect: 'sqlite', path: path === ':memory:' ? ':memory:' : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) return { dialect: 'postgresql', url: value };
  problems.push('DATABASE_URL must start with sqlite: or postgres:// / postgresql://');
  return undefined;
}

/** The portal's branding and sessions; the branding is checked so that it can go into a CSP and CSS safely. */
function portalSettings(
  env: Record<string, string | undefined>,
  problems: string[],
  integer: (name: string, fallback: number, min: number, max: number) => number,
): RosterConfig['portal'] {
  const productName = (env.ROSTER_PORTAL_PRODUCT_NAME ?? 'Roster').trim() || 'Roster';
  if (productName.length > 60 || /[\u0000-\u001f<>]/.test(productName))
    problems.push('ROSTER_PORTAL_PRODUCT_NAME must be at most 60 characters, without < > or control characters');
  const accentColor = (env.ROSTER_PORTAL_ACCENT_COLOR ?? '#2459c4').trim();
  if (!/^#[0-9a-fA-F]{6}$/.test(accentColor)) problems.push(`ROSTER_PORTAL_ACCENT_COLOR must be a colour like #2459c4 (got "${accentColor}")`);
  const logoUrl = env.ROSTER_PORTAL_LOGO_URL?.trim() || undefined;
  if (logoUrl && !/^(https:\/\/[^\s"'<>;]+|\/[^\s"'<>;]*)$/.test(logoUrl))
    problems.push('ROSTER_PORTAL_LOGO_URL must be an https URL or a path on this server');
  const frameAncestors = (env.ROSTER_PORTAL_FRAME_ANCESTORS ?? "'none'").trim() || "'none'";
  const sources = frameAncestors.split(/\s+/);
  if (!sources.every((source) => /^('none'|'self'|https:\/\/[a-zA-Z0-9.*-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/.test(source))) {
    problems.push(`ROSTER_PORTAL_FRAME_ANCESTORS must be 'none', 'self' or https origins separated by spaces (got "${frameAncestors}")`);
  }
  return {
    productName,
    logoUrl,
    accentColor: accentColor.toLowerCase(),
    frameAncestors,
    sessionIdleMinutes: integer('ROSTER_PORTAL_SESSION_IDLE_MINUTES', 30, 5, 24 * 60),
    sessionMaxHours: integer('ROSTER_PORTAL_SESSION_MAX_HOURS', 8, 1, 7 * 24),
  };
}
