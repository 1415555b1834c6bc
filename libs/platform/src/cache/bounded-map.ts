interface Entry<K, V> {
  readonly key: K;
  value: V;
  older?: Entry<K, V>;
  newer?: Entry<K, V>;
}

/**
 * A map that holds at most `capacity` entries: setting a key makes it the most recent, and when the map is
 * full the least recently set entry is forgotten. The process's small caches (prepared statements,
 * authentications, rate-limit buckets, page positions, remembered users) use it, so that none grows with
 * what clients send.
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

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.index.size;
  }

  get(key: K): V | undefined {
    return this.index.get(key)?.value;
  }

  set(key: K, value: V): this {
    const existing = this.index.get(key);
    if (existing) {
      existing.value = value;
      this.unlink(existing);
      this.append(existing);
      return this;
    }
    if (this.oldest && this.index.size >= this.capacity) this.delete(this.oldest.key);
    const entry: Entry<K, V> = { key, value };
    this.index.set(key, entry);
    this.append(entry);
    return this;
  }

  delete(key: K): boolean {
    const entry = this.index.get(key);
    if (!entry) return false;
    this.index.delete(key);
    this.unlink(entry);
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
