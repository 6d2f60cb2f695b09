// Optional extra bot source: the crawler-user-agents package (MIT, monperrus), as one regex.
// Its patterns are regexes written by third parties, so each is validated, length-capped and
// kept in a non-capturing group; the union is size-capped and case-sensitive like the source.

import { CRAWLER_FEED_URL } from "../bundled_data.ts";

/** A single feed pattern longer than this is skipped: no real crawler needs one. */
export const MAX_FEED_PATTERN_LENGTH = 500;
/** Upper bound on the combined regex source, so a bloated feed cannot slow every miss. */
export const MAX_FEED_SOURCE_LENGTH = 64 * 1024;

// Backreferences and named groups would change meaning once patterns share one regex.
const UNSAFE_IN_UNION = /\\[1-9]|\(\?<[A-Za-z]/;

/**
 * Builds one alternation from feed entries shaped `[{ pattern: string, ... }]`. Invalid or
 * unsafe patterns are skipped; returns null when nothing usable remains.
 */
export function buildCrawlerFeedRegex(entries: unknown): RegExp | null {
  if (!Array.isArray(entries)) return null;
  const parts: string[] = [];
  let sourceLength = 0;
  for (const entry of entries) {
    const pattern = (entry as { pattern?: unknown } | null)?.pattern;
    if (typeof pattern !== "string" || pattern === "") continue;
    if (pattern.length > MAX_FEED_PATTERN_LENGTH || UNSAFE_IN_UNION.test(pattern)) continue;
    try {
      new RegExp(pattern);
    } catch {
      continue;
    }
    const part = `(?:${pattern})`;
    // +1 for the "|" separator.
    if (sourceLength + part.length + 1 > MAX_FEED_SOURCE_LENGTH) break;
    parts.push(part);
    sourceLength += part.length + 1;
  }
  if (parts.length === 0) return null;
  try {
    return new RegExp(parts.join("|"));
  } catch {
    return null;
  }
}

/**
 * Reads the crawler-user-agents JSON synchronously (call once at boot) and returns the combined
 * regex, or null when the file is missing or unusable — the feed is optional, never fatal.
 */
export function loadCrawlerFeed(path: string | URL = CRAWLER_FEED_URL): RegExp | null {
  try {
    return buildCrawlerFeedRegex(JSON.parse(Deno.readTextFileSync(path)));
  } catch {
    return null;
  }
}
