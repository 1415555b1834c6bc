/**
 * A Map that holds at most `capacity` entries: setting a key makes it the most recent, and when the map is
 * full the least recently set entry is forgotten. The process's small caches (prepared statements,
 * authentications, rate-limit buckets, page positions) use it, so that none grows with what clients send.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    // A Map keeps insertion order: deleting first moves an existing key to the end.
    if (!this.delete(key) && this.size >= this.capacity) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
