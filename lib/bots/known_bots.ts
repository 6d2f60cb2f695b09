// Known-bot detection by user agent: UA string → bot display name, or null for a browser.
// Order: empty UA, named rules (+ configured extras), generic words, the optional crawler feed,
// then isbot (the list Umami uses). Results are memoised because UAs repeat heavily.

import { isbot } from "isbot";
import { LruCache } from "../lru.ts";
import {
  BOT_RULES,
  type BotRule,
  CRAWLER_FEED_NAME,
  EMPTY_UA_NAME,
  GENERIC_PATTERNS,
  OTHER_BOT_NAME,
  REFINED_PATTERNS,
} from "./bot_names.ts";

export { type BotCategory, botCategory } from "./bot_names.ts";
export { loadCrawlerFeed } from "./crawler_feed.ts";

/** Returns the bot's display name, or null when the UA looks like a human browser. */
export type KnownBotMatcher = (ua: string) => string | null;

export interface KnownBotMatcherOptions {
  /** Extra case-insensitive UA substrings from config; the name reported is the pattern. */
  extraPatterns?: readonly string[];
  /** A combined regex from loadCrawlerFeed(); omitted or null disables the feed. */
  crawlerFeed?: RegExp | null;
  /** LRU size for memoised verdicts. */
  cacheEntries?: number;
}

export const MAX_EXTRA_PATTERNS = 500;
export const MAX_EXTRA_PATTERN_LENGTH = 200;
/** Matching looks at this many UA characters at most, which also bounds regex work per miss. */
export const MAX_MATCH_UA_LENGTH = 512;

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * One case-insensitive alternation of all patterns. Longest first, so that when two patterns
 * start at the same position the more specific one wins ("applebot-extended" over "applebot").
 */
function compileUnion(patterns: Iterable<string>): RegExp {
  const sources = [...new Set(patterns)]
    .sort((a, b) => b.length - a.length || a.localeCompare(b))
    .map((pattern) => REFINED_PATTERNS.get(pattern) ?? escapeRegExp(pattern));
  return new RegExp(sources.join("|"), "i");
}

function validateExtraPatterns(extraPatterns: readonly string[]): string[] {
  if (extraPatterns.length > MAX_EXTRA_PATTERNS) {
    throw new RangeError(
      `extraPatterns: at most ${MAX_EXTRA_PATTERNS} bot patterns are allowed, got ${extraPatterns.length}`,
    );
  }
  const cleaned: string[] = [];
  for (const raw of extraPatterns) {
    const pattern = raw.trim();
    if (pattern === "") continue;
    if (pattern.length > MAX_EXTRA_PATTERN_LENGTH) {
      const preview = pattern.slice(0, 40);
      throw new RangeError(
        `extraPatterns: pattern longer than ${MAX_EXTRA_PATTERN_LENGTH} chars: "${preview}…"`,
      );
    }
    cleaned.push(pattern);
  }
  return cleaned;
}

/** Builds the matcher once at boot; every regex and lookup table is compiled here. */
export function createKnownBotMatcher(options: KnownBotMatcherOptions = {}): KnownBotMatcher {
  const extras = validateExtraPatterns(options.extraPatterns ?? []);
  const nameByPattern = new Map<string, string>();
  const addRule = (rule: Pick<BotRule, "name" | "patterns">) => {
    for (const pattern of rule.patterns) {
      if (!nameByPattern.has(pattern)) nameByPattern.set(pattern, rule.name);
    }
  };
  BOT_RULES.forEach(addRule);
  // Built-in names win when an operator repeats a pattern we already know.
  for (const extra of extras) addRule({ name: extra, patterns: [extra.toLowerCase()] });

  const named = compileUnion(nameByPattern.keys());
  const generic = compileUnion(GENERIC_PATTERNS.keys());
  const feed = options.crawlerFeed ?? null;
  const cache = new LruCache<string, string | null>(options.cacheEntries ?? 5000);

  // Case-insensitive literals (and refined sources) match text equal to the pattern when
  // lower-cased, so the matched text is the lookup key.
  const classify = (ua: string): string | null => {
    if (ua.trim() === "") return EMPTY_UA_NAME;
    const namedHit = named.exec(ua);
    if (namedHit) return nameByPattern.get(namedHit[0].toLowerCase()) ?? OTHER_BOT_NAME;
    const genericHit = generic.exec(ua);
    if (genericHit) return GENERIC_PATTERNS.get(genericHit[0].toLowerCase()) ?? OTHER_BOT_NAME;
    if (feed !== null && feed.test(ua)) return CRAWLER_FEED_NAME;
    if (isbot(ua)) return OTHER_BOT_NAME;
    return null;
  };

  return function matchKnownBot(rawUa: string): string | null {
    const ua = rawUa.length > MAX_MATCH_UA_LENGTH ? rawUa.slice(0, MAX_MATCH_UA_LENGTH) : rawUa;
    const cached = cache.get(ua);
    if (cached !== undefined) return cached;
    const verdict = classify(ua);
    cache.set(ua, verdict);
    return verdict;
  };
}
