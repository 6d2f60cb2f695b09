// Page views stored per site since start, split human / bot by the score every stat uses
// (BOT_SCORE_THRESHOLD), for /metrics' hits and bot share. One map lookup and one increment per
// stored view. Site ids here already passed the site rules (shape, allow-list, registration), and
// the labels are capped all the same: past MAX_SITE_LABELS sites, views count under "(other)", so
// a flood of new sites cannot grow the scrape without bound.
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import { OTHER_VALUE } from "../stats/terms.ts";

export const MAX_SITE_LABELS = 100;

export interface SiteHitCounts {
  site: string;
  human: number;
  bot: number;
}

export class SiteHits {
  /** Per site: [human, bot]. */
  readonly #sites = new Map<string, Float64Array>();
  readonly #other = new Float64Array(2);

  /** Counts one stored view with its bot score. */
  count(siteId: string, botScore: number): void {
    let counts = this.#sites.get(siteId);
    if (counts === undefined) {
      if (this.#sites.size >= MAX_SITE_LABELS) counts = this.#other;
      else this.#sites.set(siteId, counts = new Float64Array(2));
    }
    counts[botScore >= BOT_SCORE_THRESHOLD ? 1 : 0]++;
  }

  snapshot(): SiteHitCounts[] {
    const rows = [...this.#sites].map(([site, c]) => ({ site, human: c[0], bot: c[1] }));
    if (this.#other[0] + this.#other[1] > 0) {
      rows.push({ site: OTHER_VALUE, human: this.#other[0], bot: this.#other[1] });
    }
    return rows.sort((a, b) => a.site.localeCompare(b.site));
  }
}
