/** One disagreement between a user's JSON document (the source of truth) and what is derived from it. */
export interface Drift {
  tenantId: string;
  /** The user concerned; for 'counts', the resource type whose kept count is wrong. */
  userId: string;
  kind: 'columns' | 'emails' | 'document' | 'reference' | 'counts';
  detail: string;
}

export interface TenantReport {
  tenantId: string;
  slug: string;
  usersChecked: number;
  drift: Drift[];
  repaired: number;
}
