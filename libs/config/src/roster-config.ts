export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgresql'; url: string };

export interface RosterConfig {
  port: number;
  database: DatabaseConfig;
  /** Unset means the admin API is closed (503), never open. */
  adminToken?: string;
  /** When set, GET /metrics requires `Authorization: Bearer <it>`. */
  metricsToken?: string;
  /** Absolute origin used in scimBaseUrl, Location and meta.location; else the request's host. */
  publicUrl?: string;
  bodyLimitBytes: number;
  /** Express's `trust proxy`: false (default), true, a hop count, or addresses/subnets of trusted proxies. */
  trustProxy: boolean | number | string;
  /** Requests per second per tenant on the SCIM surface (token bucket, bursts to twice this), per process. */
  tenantRateLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  scim: { defaultCount: number; maxResults: number };
  /**
   * Reads that may scan a tenant (substring filters, sorts, counts): how long one statement may run, and how
   * many run at once (SQLite: worker threads; PostgreSQL: connections of their own pool).
   */
  heavyReads: { budgetMs: number; concurrency: number };
  auditRetentionDays: number;
  /** Days a user deleted over SCIM stays restorable before the nightly job purges it. */
  deletedUserRetentionDays: number;
  /** Days a deleted tenant stays restorable before the nightly job purges its data. */
  deletedTenantRetentionDays: number;
  events: {
    /** Whether this process delivers push streams (ROSTER_EVENTS_DISPATCH=off leaves it to `npm run dispatch`). */
    dispatch: boolean;
    /** Allow http:// and private/loopback push endpoints (development and tests only). */
    allowInsecureEndpoints: boolean;
    /** Days delivered events are kept before the nightly job prunes them. */
    retentionDays: number;
  };
  /** The SCIM request log (the portal's connection check and activity): days kept, rows kept per tenant. */
  scimRequestLog: { days: number; maxPerTenant: number };
  portal: {
    /** The host application's product name, logo (an absolute https URL or a path) and accent colour. */
    productName: string;
    logoUrl?: string;
    accentColor: string;
    /** CSP frame-ancestors: who may embed the portal ("'none'" unless the host application embeds it). */
    frameAncestors: string;
    /** A session ends after this long unused, and after sessionMaxHours whatever the use. */
    sessionIdleMinutes: number;
    sessionMaxHours: number;
  };
  /** Log every SQL statement with its parameters (development only). */
  sqlDebug: boolean;
}
