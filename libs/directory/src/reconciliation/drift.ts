/** One disagreement between a user's JSON document (the source of truth) and what is derived from it. */
export interface Drift {
  tenantId: string;
  /** The user concerned; for 'counts', the resource type whose kept count is wrong. */
  userId: string;
  kind: 'columns' | 'emails' | 'search' | 'document' | 'reference' | 'counts';
  detail: string;
}

export interface TenantReport {
  tenantId: string;
  slug: string;
  usersChecked: number;
  /** The first MAX_DRIFT_KEPT disagreements found (memory stays flat whatever the tenant's size). */
  drift: Drift[];
  /** How many there were in all, by kind. */
  driftCounts: Partial<Record<Drift['kind'], number>>;
  repaired: number;
}

export const MAX_DRIFT_KEPT = 100;

export function driftTotal(report: TenantReport): number {
  return Object.values(report.driftCounts).reduce((sum, n) => sum + (n ?? 0), 0);
}
