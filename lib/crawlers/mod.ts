// Server-side crawler counting: the classifier built once from config, the retention bound shared
// by the endpoint and the import, and storing a batch of hits (POST /api/crawl).
import { createKnownBotMatcher, loadCrawlerFeed } from "../bots/known_bots.ts";
import type { Config } from "../config.ts";
import { HttpError } from "../http_error.ts";
import { type CrawlerClassifier, createCrawlerClassifier } from "./classify.ts";
import type { CrawlInput } from "./input.ts";
import type { CrawlerStore } from "../store/crawlers.ts";
import type { SiteStore } from "../store/sites.ts";
import { type CrawlerRanges, loadCrawlerRanges } from "./ranges.ts";
import { type CrawlerCounts, CrawlTally } from "./tally.ts";

export interface CrawlerService {
  classify: CrawlerClassifier;
  ranges: CrawlerRanges;
}

/** The known-bot table (with the operator's extra patterns and the crawler feed) plus ranges. */
export function createCrawlerService(config: Pick<Config, "botUaPatterns">): CrawlerService {
  const ranges = loadCrawlerRanges();
  const matchBot = createKnownBotMatcher({
    extraPatterns: config.botUaPatterns,
    crawlerFeed: loadCrawlerFeed(),
  });
  return { classify: createCrawlerClassifier(matchBot, ranges), ranges };
}

const DAY_MS = 86_400_000;

/**
 * The first instant kept by the bot counters' retention (ECHELON_BOT_RETENTION_DAYS): the
 * retention job deletes the days before today minus that many (lib/stats/retention.ts).
 */
export function oldestCrawlAt(config: Pick<Config, "botRetentionDays">, now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return today - config.botRetentionDays * DAY_MS;
}

/** 400 `unknown_site` unless every site is registered (hits are counted for known sites only). */
export async function requireSites(
  sites: Pick<SiteStore, "get">,
  siteIds: Iterable<string>,
): Promise<void> {
  for (const siteId of new Set(siteIds)) {
    if (await sites.get(siteId) === null) {
      throw new HttpError(
        400,
        "unknown_site",
        `site "${siteId}" is not registered: add it under Admin → Sites (or let its tracker ` +
          "send a first view) before sending its crawler hits",
      );
    }
  }
}

export interface CrawlOutcome {
  /** Crawler and bot hits stored. */
  accepted: number;
  /** Hits from people's browsers: not stored (a server-side request is never a view). */
  ignored: number;
  by_crawler: CrawlerCounts;
}

/** Classifies and stores a validated batch, all or nothing (its sites checked: requireSites). */
export async function recordCrawls(
  crawlers: Pick<CrawlerStore, "add">,
  service: CrawlerService,
  hits: readonly CrawlInput[],
  maxDailyRows?: number,
): Promise<CrawlOutcome> {
  const tally = new CrawlTally();
  let ignored = 0;
  for (const hit of hits) {
    const verdict = service.classify(hit.userAgent, hit.ip);
    if (verdict === null) ignored++;
    else tally.add({ ...hit, verdict });
  }
  await crawlers.add(tally.deltas(), { maxDailyRows });
  return { accepted: tally.hits, ignored, by_crawler: tally.byCrawler };
}
