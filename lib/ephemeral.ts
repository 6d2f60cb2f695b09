// Ephemeral shared state: rate-limit counters, burst counts, spent PoW tokens, login attempts. One
// small interface (docs/architecture.md, "Scale-out") with a bounded in-memory implementation; a
// Redis or PostgreSQL implementation can replace it when several app instances share the load.

export interface EphemeralStore {
  /**
   * Adds 1 to the fixed-window counter `key` and returns the new count within the window; a
   * store that is full and refuses new keys returns Infinity for a new key (over every limit).
   */
  increment(key: string, windowMs: number, now: number): number;
  /** Reads a counter without changing it (0 when absent or expired). */
  count(key: string, now: number): number;
  /** Milliseconds until `key` expires (0 when absent or expired). */
  ttl(key: string, now: number): number;
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

export interface MemoryStoreOptions {
  /** Most entries held at once (default 200,000). */
  maxEntries?: number;
  /**
   * When full of live entries: "evict" drops the oldest quarter (counters that may be forgotten,
   * e.g. tracking rate limits); "refuse" keeps every live entry and reports a new key's counter as
   * Infinity, so a limit built on it fails closed (the login limit).
   */
  whenFull?: "evict" | "refuse";
}

/**
 * In-memory store bounded to `maxEntries`. Insertion order doubles as age order, so when the map is
 * full the expired entries go first, then (with "evict") the oldest ones: memory stays bounded
 * under a flood.
 */
export class MemoryEphemeralStore implements EphemeralStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #evictLive: boolean;
  /** No entry expires before this (a lower bound): a full store skips sweeps that free nothing. */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 200_000;
    this.#evictLive = (options.whenFull ?? "evict") === "evict";
  }

  get size(): number {
    return this.#entries.size;
  }

  increment(key: string, windowMs: number, now: number): number {
    const entry = this.#live(key, now);
    if (entry) return ++entry.count;
    if (!this.#insert(key, { expiresAt: now + windowMs, count: 1, value: "" }, now)) {
      return Number.POSITIVE_INFINITY;
    }
    return 1;
  }

  count(key: string, now: number): number {
    return this.#live(key, now)?.count ?? 0;
  }

  ttl(key: string, now: number): number {
    const entry = this.#live(key, now);
    return entry ? entry.expiresAt - now : 0;
  }

  claim(key: string, value: string, ttlMs: number, now: number): string | undefined {
    const entry = this.#live(key, now);
    if (entry) return entry.value;
    // A refusing store that cannot remember the claim answers as if another holder had it.
    if (!this.#insert(key, { expiresAt: now + ttlMs, count: 0, value }, now)) return "";
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

  /** Stores a new entry; false when the store is full of live entries and refuses new keys. */
  #insert(key: string, entry: Entry, now: number): boolean {
    if (this.#entries.size >= this.#maxEntries) this.#evict(now);
    if (this.#entries.size >= this.#maxEntries) return false;
    this.#entries.set(key, entry);
    this.#earliestExpiry = Math.min(this.#earliestExpiry, entry.expiresAt);
    return true;
  }

  #evict(now: number): void {
    if (now >= this.#earliestExpiry) {
      let earliest = Number.POSITIVE_INFINITY;
      for (const [key, entry] of this.#entries) {
        if (entry.expiresAt <= now) this.#entries.delete(key);
        else earliest = Math.min(earliest, entry.expiresAt);
      }
      this.#earliestExpiry = earliest;
    }
    // Still full: drop the oldest quarter at once so eviction is amortised, not per insert.
    if (this.#evictLive && this.#entries.size >= this.#maxEntries) {
      let toDrop = Math.ceil(this.#maxEntries / 4);
      for (const key of this.#entries.keys()) {
        if (toDrop-- <= 0) break;
        this.#entries.delete(key);
      }
    }
  }
}
