// A tiny bounded LRU cache for hot-path memoisation (UA parsing, bot matching).
// It leans on Map's insertion order: re-inserting on a hit moves a key to the "newest" end,
// so eviction is just deleting the first key — O(1) with no linked list to maintain.

export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`LruCache maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  get maxEntries(): number {
    return this.#maxEntries;
  }

  /** Returns the cached value and marks it most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const map = this.#map;
    if (!map.has(key)) return undefined;
    const value = map.get(key) as V;
    map.delete(key);
    map.set(key, value);
    return value;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Stores the value as most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    const map = this.#map;
    if (map.has(key)) map.delete(key);
    else if (map.size >= this.#maxEntries) {
      // The first key in iteration order is the least recently used one.
      map.delete(map.keys().next().value as K);
    }
    map.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
