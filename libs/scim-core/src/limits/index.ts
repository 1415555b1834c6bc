/**
 * Ceilings on the work one request may ask for, so that no single request can hold the database or the
 * event loop long enough to stall other tenants. They are advertised in the docs and in error messages;
 * each has its own test at, and just above, the limit.
 */
export const ScimLimits = {
  /** Operations in one PATCH request (Okta's largest membership batch is 1,000 changes). */
  maxPatchOperations: 1000,
  /** Member ids in one request, summed over its operations (POST, PUT or PATCH of a group). */
  maxMemberValues: 1000,
  /** Filtered member removals other than `value eq "…"`: each is evaluated against every member. */
  maxMemberFilters: 20,
  /** Values of one multi-valued attribute of a stored document (emails, phoneNumbers, addresses…). */
  maxMultiValuedItems: 100,
  /** Any string attribute without a lower limit of its own. */
  maxStringLength: 8192,
  /** Attribute paths in a PATCH operation. */
  maxPathLength: 1024,
  /** Operations in one Bulk request (RFC 7644 §3.7); each runs in its own transaction. */
  maxBulkOperations: 1000,
  /** A filter expression. */
  maxFilterLength: 4096,
  /**
   * Nesting of any JSON body: arrays and objects within one another. A SCIM document is a handful of
   * levels deep (a Bulk operation's PATCH of an extension's complex attribute is six), so 32 is generous;
   * the limit exists so that no walk over a body can run out of stack.
   */
  maxJsonDepth: 32,
  /**
   * A resource as stored (its JSON document, in UTF-8 bytes). A learner takes a few KB; the body limit is
   * far larger because a Bulk request carries many resources. Without this ceiling, resources of valid,
   * limit-respecting values near the body limit (a hundred long phone numbers) made every cache and every
   * page hold a megabyte per user.
   */
  maxResourceBytes: 64 * 1024,
  /**
   * What one page of a list or search may hold (the resources' stored bytes, plus a little per resource
   * for what rendering adds). A page that would hold more returns fewer resources than `count` asked for,
   * as RFC 7644 §3.4.2.4 allows; the walk goes on from there by startIndex or cursor.
   */
  maxPageBytes: 2 * 1024 * 1024,
} as const;
