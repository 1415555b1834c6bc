import { BoundedMap } from '../cache/bounded-map';

/**
 * Token buckets kept in this process's memory: `capacity` tokens, refilled at `perSecond`. Limits are per
 * process (several Roster processes each allow the full rate); the map is bounded so that random keys
 * (unknown tenants, spoofed client addresses) cannot grow it without limit.
 */
export class TokenBuckets {
  private readonly buckets: BoundedMap<string, { tokens: number; at: number }>;

  constructor(maxKeys = 50_000) {
    // Keys name a client and a tenant as the request gave them: bounded in length as well as in number.
    this.buckets = new BoundedMap(maxKeys, { maxBytes: 16 * 1024 * 1024, sizeOf: (key) => 2 * key.length + 96 });
  }

  /** Takes one token; when there is none, says how many whole seconds until there is. */
  take(key: string, perSecond: number, capacity: number, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.refilled(key, perSecond, capacity, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }

  /**
   * Takes `n` tokens at once, or none: when fewer are there, says how many whole seconds until `n` are
   * (never, if `n` is more than the bucket holds: then retryAfterSeconds is undefined).
   */
  takeMany(key: string, n: number, perSecond: number, capacity: number, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number | undefined } {
    if (n <= 0) return { ok: true };
    const bucket = this.refilled(key, perSecond, capacity, now);
    if (bucket.tokens >= n) {
      bucket.tokens -= n;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: n > capacity ? undefined : Math.max(1, Math.ceil((n - bucket.tokens) / perSecond)) };
  }

  /** Whether a token is available, without taking it. */
  peek(key: string, perSecond: number, capacity: number, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.buckets.get(key);
    if (!bucket) return { ok: true };
    const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
  }

  private refilled(key: string, perSecond: number, capacity: number, now: number) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, at: now };
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
    }
    this.buckets.set(key, bucket); // the most recently used bucket is the last one forgotten
    return bucket;
  }
}
