// Crawler hits summed by (day, site, crawler, path, verification) before they are written, so
// the endpoint and the log import store through the same code (lib/store/crawlers.ts) and a log of
// a million lines writes one row update per distinct key.
import type { CrawlDelta } from "../store/crawlers.ts";
import type { CrawlerVerdict } from "./classify.ts";

export interface CrawlHit {
  siteId: string;
  /** The stored page path (query string dropped). */
  path: string;
  /** When it was served, epoch ms. */
  at: number;
  status: number | null;
  verdict: CrawlerVerdict;
}

/** Hits per crawler in a tally, by verification: what the endpoint and the import report. */
export type CrawlerCounts = Record<
  string,
  { hits: number; verified: number; unverified: number; unlisted: number; errors: number }
>;

export class CrawlTally {
  readonly #deltas = new Map<string, CrawlDelta>();
  readonly byCrawler: CrawlerCounts = {};
  hits = 0;

  add(hit: CrawlHit): void {
    const date = new Date(hit.at).toISOString().slice(0, 10);
    const { crawler, verification } = hit.verdict;
    const error = hit.status !== null && hit.status >= 400 ? 1 : 0;
    const key = `${date}\u0000${hit.siteId}\u0000${crawler}\u0000${hit.path}\u0000${verification}`;
    const delta = this.#deltas.get(key);
    if (delta) {
      delta.hits++;
      delta.errors += error;
    } else {
      this.#deltas.set(key, {
        date,
        siteId: hit.siteId,
        crawler,
        path: hit.path,
        verification,
        hits: 1,
        errors: error,
      });
    }
    const counts = this.byCrawler[crawler] ??= {
      hits: 0,
      verified: 0,
      unverified: 0,
      unlisted: 0,
      errors: 0,
    };
    counts.hits++;
    counts[verification]++;
    counts.errors += error;
    this.hits++;
  }

  /** The pending rows; `clear()` them once written. */
  deltas(): CrawlDelta[] {
    return [...this.#deltas.values()];
  }

  get pendingKeys(): number {
    return this.#deltas.size;
  }

  /** Forgets the pending rows (the per-crawler totals keep counting). */
  clear(): void {
    this.#deltas.clear();
  }
}
