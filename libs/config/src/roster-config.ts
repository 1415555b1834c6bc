export type DatabaseConfig =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgresql'; url: string };

export interface RosterConfig {
  port: number;
  database: DatabaseConfig;
  /** Unset means the admin API is closed (503), never open. */
  adminToken?: string;
  /** Absolute origin used in scimBaseUrl, Location and meta.location; else the request's host. */
  publicUrl?: string;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  scim: { defaultCount: number; maxResults: number };
  auditRetentionDays: number;
  /** Log every SQL statement with its parameters (development only). */
  sqlDebug: boolean;
}
