// RFC 7644 §3.12: the scimType values a SCIM error may carry.
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 (cursor paging)
  | 'invalidCursor'
  | 'expiredCursor';

/** A protocol error: the only kind of error the SCIM core throws. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
  static tooMany(detail: string): ScimError {
    return new ScimError(400, 'tooMany', detail);
  }
  /** A request asking for more work than Roster takes in one go (RFC 7644 §3.7.4 uses 413 the same way). */
  static payloadTooLarge(detail: string): ScimError {
    return new ScimError(413, undefined, detail);
  }
  /** RFC 6585 429 with the integer Retry-After that Okta and Entra ID honour. */
  static tooManyRequests(detail: string, retryAfterSeconds: number): ScimError {
    return new ScimError(429, undefined, detail, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
  /** 409 for a request the resource's state forbids (not a uniqueness clash: RFC 7644 §3.12 gives no scimType). */
  static conflict(detail: string): ScimError {
    return new ScimError(409, undefined, detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, undefined, detail);
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError(401, undefined, detail, { 'WWW-Authenticate': 'Bearer realm="roster"' });
  }
}
