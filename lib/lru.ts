// A bounded LRU cache for hot-path memoisation (UA parsing, bot matching, visitor ids). A thin
// typed wrapper around tiny-lru (a map plus a doubly linked list: every operation O(1)). A plain
// Map evicting its first key is not O(1) in V8: deleted entries stay as holes at the front of
// its table until the next rehash, so each eviction scans all earlier ones (measured 13-22 µs
// per miss on a full 20 000-entry cache, against ~0.3 µs here).
import { LRU } from "tiny-lru";

export class LruCache<K extends string | number, V> {
  readonly #lru: LRU<V>;
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`LruCache maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    this.#lru = new LRU<V>(maxEntries);
  }

  get size(): number {
    return this.#lru.size;
  }

  get maxEntries(): number {
    return this.#maxEntries;
  }

  /** Returns the cached value and marks it most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    return this.#lru.get(key);
  }

  has(key: K): boolean {
    return this.#lru.has(key);
  }

  /** Stores the value as most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    this.#lru.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.#lru.has(key)) return false;
    this.#lru.delete(key);
    return true;
  }

  clear(): void {
    this.#lru.clear();
  }
}
