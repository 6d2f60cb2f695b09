// Ephemeral shared state: rate-limit counters, burst counts, spent PoW tokens, login attempts.
// One small interface (DESIGN "Scale-out") with a bounded in-memory implementation; a Redis or
// PostgreSQL implementation can replace it when several app instances share the load.

export interface EphemeralStore {
  /** Adds 1 to the fixed-window counter `key` and returns the new count within the window. */
  increment(key: string, windowMs: number, now: number): number;
  /** Reads a counter without changing it (0 when absent or expired). */
  count(key: string, now: number): number;
  /**
   * Remembers `value` under `key` for `ttlMs` unless the key is already held; returns the value
   * held before this call, or undefined when this call claimed it.
   */
  claim(key: string, value: string, ttlMs: number, now: number): string | undefined;
  /** Forgets one key. */
  delete(key: string): void;
  /** Number of live and not yet evicted entries, for health and tests. */
  readonly size: number;
}

interface Entry {
  expiresAt: number;
  count: number;
  value: string;
}

/**
 * In-memory store bounded to `maxEntries`. Insertion order doubles as age order, so when the map is
 * full the expired entries go first, then the oldest ones: memory stays bounded under a flood.
 */
export class MemoryEphemeralStore implements EphemeralStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries = 200_000) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  increment(key: string, windowMs: number, now: number): number {
    const entry = this.#live(key, now);
    if (entry) return ++entry.count;
    this.#insert(key, { expiresAt: now + windowMs, count: 1, value: "" }, now);
    return 1;
  }

  count(key: string, now: number): number {
    return this.#live(key, now)?.count ?? 0;
  }

  claim(key: string, value: string, ttlMs: number, now: number): string | undefined {
    const entry = this.#live(key, now);
    if (entry) return entry.value;
    this.#insert(key, { expiresAt: now + ttlMs, count: 0, value }, now);
    return undefined;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  #insert(key: string, entry: Entry, now: number): void {
    if (this.#entries.size >= this.#maxEntries) this.#evict(now);
    this.#entries.set(key, entry);
  }

  #evict(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
    // Still full: drop the oldest quarter at once so eviction is amortised, not per insert.
    if (this.#entries.size >= this.#maxEntries) {
      let toDrop = Math.ceil(this.#maxEntries / 4);
      for (const key of this.#entries.keys()) {
        if (toDrop-- <= 0) break;
        this.#entries.delete(key);
      }
    }
  }
}
