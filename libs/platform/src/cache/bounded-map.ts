interface Entry<K, V> {
  readonly key: K;
  value: V;
  bytes: number;
  older?: Entry<K, V>;
  newer?: Entry<K, V>;
}

/** A ceiling on what the entries hold, as `sizeOf` estimates it (bytes), besides their number. */
export interface ByteBudget<K, V> {
  maxBytes: number;
  sizeOf(key: K, value: V): number;
}

/**
 * A map that holds at most `capacity` entries, and with a byte budget at most `maxBytes` of them as its
 * `sizeOf` counts: setting a key makes it the most recent, and when the map is full the least recently set
 * entries are forgotten. An entry larger than the whole budget is not kept at all. The process's caches
 * (prepared statements, authentications, rate-limit buckets, page positions, remembered users) use it, so
 * that none grows with what clients send — neither with how many keys they use nor with how large values are.
 *
 * The entries are kept in a list from least to most recently set, so forgetting the oldest costs the same
 * at any size. (A Map's own insertion order cannot serve: once full, every set deletes its first key, and
 * V8 finds the first key by walking over the entries deleted before it, until the table is rebuilt. At
 * 4,096 entries that made each set cost over a microsecond.)
 */
export class BoundedMap<K, V> implements Iterable<[K, V]> {
  private readonly index = new Map<K, Entry<K, V>>();
  private oldest?: Entry<K, V>;
  private newest?: Entry<K, V>;
  private held = 0;

  constructor(
    private readonly capacity: number,
    private readonly budget?: ByteBudget<K, V>,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** What the entries hold, as the byte budget's sizeOf counts (0 without a budget). */
  get bytes(): number {
    return this.held;
  }

  get(key: K): V | undefined {
    return this.index.get(key)?.value;
  }

  set(key: K, value: V): this {
    const bytes = this.budget ? this.budget.sizeOf(key, value) : 0;
    if (this.budget && bytes > this.budget.maxBytes) {
      this.delete(key);
      return this;
    }
    const existing = this.index.get(key);
    if (existing) {
      this.held += bytes - existing.bytes;
      existing.value = value;
      existing.bytes = bytes;
      this.unlink(existing);
      this.append(existing);
    } else {
      if (this.oldest && this.index.size >= this.capacity) this.delete(this.oldest.key);
      const entry: Entry<K, V> = { key, value, bytes };
      this.index.set(key, entry);
      this.append(entry);
      this.held += bytes;
    }
    while (this.budget && this.held > this.budget.maxBytes && this.oldest) this.delete(this.oldest.key);
    return this;
  }

  delete(key: K): boolean {
    const entry = this.index.get(key);
    if (!entry) return false;
    this.index.delete(key);
    this.unlink(entry);
    this.held -= entry.bytes;
    return true;
  }

  /** From the least to the most recently set. Deleting the entry being visited is safe. */
  *entries(): IterableIterator<[K, V]> {
    for (let entry = this.oldest; entry;) {
      const newer = entry.newer;
      yield [entry.key, entry.value];
      entry = newer;
    }
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  private append(entry: Entry<K, V>): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry<K, V>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
  }
}
