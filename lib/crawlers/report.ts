// The crawler report: server-side crawler hits per crawler, page and day, split by IP
// verification, and next to each page the AI-assistant referrals it received ("crawled by
// GPTBot, then visited from ChatGPT"). Read by GET /api/bots/crawlers, its CSV and the admin, as
// the read `crawlerReport` (lib/reads/registry.ts) over the rows REPORT_LIMITS bounds.
import type { AiReferral, CrawlCount, CrawlPageCount, CrawlReportRows } from "../store/crawlers.ts";
import { type CrawlerCategory, crawlerCategory } from "./classify.ts";

export const MAX_REPORT_PAGES = 200;

/** Rows the report is made from: its pages, and referral rows (pages × assistants). */
export const REPORT_LIMITS = { pages: MAX_REPORT_PAGES, referrals: 2000 };

export interface VerifiedCounts {
  hits: number;
  verified: number;
  /** The crawler publishes ranges and the IP is outside them: spoofed, or a newer range. */
  unverified: number;
  /** The crawler publishes no ranges. */
  unlisted: number;
  /** Answered with a status of 400 or more. */
  errors: number;
}

export type CrawlerRow = { crawler: string; category: CrawlerCategory } & VerifiedCounts;

export interface PageRow extends VerifiedCounts {
  site_id: string;
  path: string;
  crawlers: CrawlerRow[];
  ai_referrals: number;
  assistants: { assistant: string; views: number; visitors: number }[];
}

export interface CrawlerReport {
  crawlers: CrawlerRow[];
  /** Crawlers with hits from outside their published ranges: "unverified (spoofed?)". */
  unverified: { crawler: string; category: CrawlerCategory; hits: number }[];
  pages: PageRow[];
  by_day: ({ date: string } & CrawlerRow)[];
}

function emptyCounts(): VerifiedCounts {
  return { hits: 0, verified: 0, unverified: 0, unlisted: 0, errors: 0 };
}

function addCount(into: VerifiedCounts, row: CrawlCount): void {
  into.hits += row.hits;
  into[row.verification] += row.hits;
  into.errors += row.errors;
}

/** Folds per-verification rows into one row per key, in first-seen order. */
function fold<T extends CrawlCount, R extends VerifiedCounts>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  make: (row: T) => R,
): R[] {
  const byKey = new Map<string, R>();
  for (const row of rows) {
    const key = keyOf(row);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, entry = make(row));
    addCount(entry, row);
  }
  return [...byKey.values()];
}

const byHits = (a: CrawlerRow, b: CrawlerRow) =>
  b.hits - a.hits || (a.crawler < b.crawler ? -1 : a.crawler > b.crawler ? 1 : 0);

const crawlerRow = (row: CrawlCount): CrawlerRow => ({
  crawler: row.crawler,
  category: crawlerCategory(row.crawler),
  ...emptyCounts(),
});

function pagesWithReferrals(
  crawled: readonly CrawlPageCount[],
  referrals: readonly AiReferral[],
): PageRow[] {
  const pages = new Map<string, PageRow>();
  const page = (siteId: string, path: string) => {
    const key = `${siteId}\u0000${path}`;
    let entry = pages.get(key);
    if (!entry) {
      pages.set(
        key,
        entry = {
          site_id: siteId,
          path,
          ...emptyCounts(),
          crawlers: [],
          ai_referrals: 0,
          assistants: [],
        },
      );
    }
    return entry;
  };
  for (const row of crawled) {
    const entry = page(row.site_id, row.path);
    addCount(entry, row);
    let crawler = entry.crawlers.find((c) => c.crawler === row.crawler);
    if (!crawler) entry.crawlers.push(crawler = crawlerRow(row));
    addCount(crawler, row);
  }
  for (const row of referrals) {
    const entry = page(row.site_id, row.path);
    entry.ai_referrals += row.views;
    entry.assistants.push({ assistant: row.assistant, views: row.views, visitors: row.visitors });
  }
  for (const entry of pages.values()) entry.crawlers.sort(byHits);
  return [...pages.values()]
    .sort((a, b) =>
      b.ai_referrals - a.ai_referrals || b.hits - a.hits ||
      (a.site_id + a.path < b.site_id + b.path ? -1 : 1)
    )
    .slice(0, MAX_REPORT_PAGES);
}

/** The report made from its rows (read over REPORT_LIMITS). */
export function crawlerReport(rows: CrawlReportRows): CrawlerReport {
  const crawlers = fold(rows.totals, (r) => r.crawler, crawlerRow).sort(byHits);
  const days = fold(
    rows.days,
    (r) => `${r.date}\u0000${r.crawler}`,
    (r) => ({ date: r.date, ...crawlerRow(r) }),
  );
  return {
    crawlers,
    unverified: crawlers
      .filter((c) => c.unverified > 0)
      .map((c) => ({ crawler: c.crawler, category: c.category, hits: c.unverified }))
      .sort((a, b) => b.hits - a.hits),
    pages: pagesWithReferrals(rows.pages, rows.referrals),
    by_day: days,
  };
}
