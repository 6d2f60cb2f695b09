// Which crawler a server-side request came from: the known-bot table names it (one list of bots,
// lib/bots/bot_names.ts), its AI role or search category sorts it, and its published IP ranges
// (lib/crawlers/ranges.ts) verify the claim.
import { type AiRole, botAiRole, botCategory } from "../bots/bot_names.ts";
import { type KnownBotMatcher } from "../bots/known_bots.ts";
import type { CrawlerRanges, Verification } from "./ranges.ts";

/** The crawler report's categories: the AI roles, search engines, and every other bot. */
export type CrawlerCategory = AiRole | "search" | "other";
export const CRAWLER_CATEGORIES: readonly CrawlerCategory[] = [
  "ai_training",
  "ai_search",
  "ai_assistant",
  "search",
  "other",
];

export interface CrawlerVerdict {
  crawler: string;
  category: CrawlerCategory;
  verification: Verification;
}

export function crawlerCategory(crawler: string): CrawlerCategory {
  const role = botAiRole(crawler);
  if (role !== null) return role;
  return botCategory(crawler) === "search" ? "search" : "other";
}

/** Classifies a request by User-Agent and client IP; null for a person's browser. */
export type CrawlerClassifier = (userAgent: string, ip: string) => CrawlerVerdict | null;

export function createCrawlerClassifier(
  matchBot: KnownBotMatcher,
  ranges: CrawlerRanges,
): CrawlerClassifier {
  return function classifyCrawler(userAgent, ip) {
    const crawler = matchBot(userAgent);
    if (crawler === null) return null;
    return {
      crawler,
      category: crawlerCategory(crawler),
      verification: ranges.verify(crawler, ip),
    };
  };
}
