// Aggregated counters (drop reasons, known-bot hits): increments add up in memory and are written
// as one upsert per key on each flush, so a flood of dropped hits costs a map update each.
import { SITE_ID_PATTERN } from "../config.ts";
import { OTHER_VALUE } from "../stats/terms.ts";
import type { CounterDelta } from "../store/rows.ts";

/**
 * The site a counter row is kept under. A dropped or bot hit's site id is unvalidated input, so
 * anything not shaped like a site id is counted as "(invalid)" and no attacker's string is stored
 * (found by tests/fuzz). How many made-up (unregistered) ids a day keeps is bounded when the
 * counters are written (lib/db/collect.ts).
 */
export function counterSiteId(siteId: string): string {
  if (siteId === "") return "unknown";
  return SITE_ID_PATTERN.test(siteId) ? siteId : "(invalid)";
}

export class CounterTable {
  readonly #pending = new Map<string, CounterDelta>();
  readonly #totals = new Map<string, number>();
  readonly #maxKeys: number;
  #overflow = 0;

  constructor(maxKeys = 50_000) {
    this.#maxKeys = maxKeys;
  }

  add(date: string, siteId: string, a: string, b: string, hits = 1): void {
    this.#totals.set(a, (this.#totals.get(a) ?? 0) + hits);
    const key = `${date}\u0000${siteId}\u0000${a}\u0000${b}`;
    const entry = this.#pending.get(key);
    if (entry) {
      entry.hits += hits;
    } else if (this.#pending.size < this.#maxKeys) {
      this.#pending.set(key, { date, siteId, a, b, hits });
    } else {
      // Bound memory under a flood of distinct keys (random paths): fold into one bucket.
      this.#overflow += hits;
      const folded = `${date}\u0000${siteId}\u0000${a}\u0000${OTHER_VALUE}`;
      const other = this.#pending.get(folded);
      if (other) other.hits += hits;
      else this.#pending.set(folded, { date, siteId, a, b: OTHER_VALUE, hits });
    }
  }

  /** Totals per first key part since start (e.g. per drop reason), for health and summary. */
  totals(): Record<string, number> {
    return Object.fromEntries(this.#totals);
  }

  get pendingKeys(): number {
    return this.#pending.size;
  }

  /**
   * Hands the pending deltas to `write` (which may be asynchronous); they are taken out first, so
   * increments that arrive during the write start new ones, and put back if the write fails.
   * Resolves to the number of deltas written.
   */
  async flush(write: (deltas: CounterDelta[]) => void | Promise<void>): Promise<number> {
    if (this.#pending.size === 0) return 0;
    const deltas = [...this.#pending.values()];
    this.#pending.clear();
    try {
      await write(deltas);
    } catch (error) {
      for (const delta of deltas) {
        const key = `${delta.date}\u0000${delta.siteId}\u0000${delta.a}\u0000${delta.b}`;
        const current = this.#pending.get(key);
        if (current) current.hits += delta.hits;
        else this.#pending.set(key, delta);
      }
      throw error;
    }
    return deltas.length;
  }
}
