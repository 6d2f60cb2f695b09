// Figures of the settled part of a range (every day before yesterday, and the week and month
// blocks), kept in memory between overview requests. The key names each day and block read with
// its build version, so a rebuilt day or block (an exclusion, a late backfill) changes the key and
// a stale entry can never be served; the range's fresh days (yesterday, today, the live delta)
// are always read again. Bounded: the least recently used entries go first.
import type { DimensionRow } from "./terms.ts";

export class SettledRangeCache {
  readonly #entries = new Map<string, Map<string, DimensionRow[]>>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = 8) {
    this.#maxEntries = maxEntries;
  }

  /** The full rows of `dimension` under `key`, computed by `read` on a miss. */
  rows(key: string, dimension: string, read: () => DimensionRow[]): DimensionRow[] {
    let entry = this.#entries.get(key);
    if (entry) {
      // Refresh its place in the LRU order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    } else {
      entry = new Map();
      this.#entries.set(key, entry);
      while (this.#entries.size > this.#maxEntries) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    let rows = entry.get(dimension);
    if (rows) this.#hits++;
    else {
      this.#misses++;
      rows = read();
      entry.set(dimension, rows);
    }
    return rows;
  }

  get stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  clear(): void {
    this.#entries.clear();
  }
}
