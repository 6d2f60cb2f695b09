// How many site ids that are not registered the counters (drop reasons, known-bot hits) keep a
// day: a hit's site id is the client's choice, so without a bound a flood of made-up ids would add
// counter rows per id. The first UNREGISTERED_SITES_PER_DAY such ids of a day keep their own rows
// (an operator sees which unregistered sites are sending hits); the hits of further ones are kept
// under "(unregistered)". Seeded from the table once per day and process, so a restart does not
// start over; several instances sharing a database keep up to that many each.
import type { CounterDelta } from "../store/rows.ts";

export const UNREGISTERED_SITES_PER_DAY = 100;
export const UNREGISTERED_SITE = "(unregistered)";

export class UnregisteredSites {
  readonly #max: number;
  /** The table's site ids of a day (lib/store/writes.ts counterSites). */
  readonly #stored: (date: string) => Promise<string[]>;
  readonly #isRegistered: (siteId: string) => boolean;
  /** date → unregistered site ids with rows that day (the latest few days only). */
  readonly #days = new Map<string, Set<string>>();

  constructor(options: {
    stored: (date: string) => Promise<string[]>;
    isRegistered: (siteId: string) => boolean;
    max?: number;
  }) {
    this.#stored = options.stored;
    this.#isRegistered = options.isRegistered;
    this.#max = options.max ?? UNREGISTERED_SITES_PER_DAY;
  }

  /** The deltas with the site of those past the day's bound replaced by "(unregistered)". */
  async bound(deltas: readonly CounterDelta[]): Promise<CounterDelta[]> {
    const days = new Map<string, Set<string>>();
    for (const delta of deltas) {
      if (this.#exempt(delta.siteId) || days.has(delta.date)) continue;
      days.set(delta.date, await this.#day(delta.date));
    }
    return deltas.map((delta) => {
      if (this.#exempt(delta.siteId)) return delta;
      const day = days.get(delta.date)!;
      if (day.has(delta.siteId)) return delta;
      if (day.size < this.#max) {
        day.add(delta.siteId);
        return delta;
      }
      return { ...delta, siteId: UNREGISTERED_SITE };
    });
  }

  /** Kept under its own id whatever the bound: registered, or the bucket itself. */
  #exempt(siteId: string): boolean {
    return siteId === UNREGISTERED_SITE || this.#isRegistered(siteId);
  }

  /** A day's unregistered site ids, read from the table once per day and process. */
  async #day(date: string): Promise<Set<string>> {
    const known = this.#days.get(date);
    if (known) return known;
    const stored = await this.#stored(date);
    // A flush running meanwhile may have read the day already: its set is kept.
    const day = this.#days.get(date) ?? new Set(stored.filter((site) => !this.#exempt(site)));
    this.#days.set(date, day);
    // Counters are for today (and yesterday around midnight): older days are done with.
    for (const old of [...this.#days.keys()].sort().slice(0, -2)) this.#days.delete(old);
    return day;
  }
}
