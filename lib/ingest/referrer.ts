// Referrer classification for hit enrichment: origin, bare domain and a coarse source type.
// Matching is by exact host or subdomain over a host → type table, plus shape rules for the
// search engines that live on many country TLDs (google.*, yandex.*).

export type ReferrerType = "ai" | "search" | "social" | "internal" | "direct_or_unknown";

export interface ClassifiedReferrer {
  /** scheme://host[:port] of an http(s) referrer; never the path or query (privacy). */
  origin: string | null;
  /** Lower-cased hostname without a leading "www." — the dashboard's referrer-domain key. */
  domain: string | null;
  type: ReferrerType;
}

/** Longer inputs are not real referrers (browsers cap URLs well below this for Referer). */
export const MAX_REFERRER_LENGTH = 2048;

const UNKNOWN: ClassifiedReferrer = Object.freeze({
  origin: null,
  domain: null,
  type: "direct_or_unknown",
});

// Keys match the host itself or any subdomain of it (e.g. "l.facebook.com" → facebook.com).
const HOST_TYPES: ReadonlyMap<string, ReferrerType> = new Map<string, ReferrerType>([
  ...[
    "perplexity.ai",
    "chat.openai.com",
    "chatgpt.com",
    "claude.ai",
    "you.com",
    "phind.com",
    "copilot.microsoft.com",
    "gemini.google.com",
    "poe.com",
    "chat.deepseek.com",
    "grok.com",
    "chat.mistral.ai",
  ].map((host) => [host, "ai"] as const),
  ...[
    "bing.com",
    "yahoo.com",
    "yahoo.co.jp",
    "duckduckgo.com",
    "ya.ru",
    "ecosia.org",
    "baidu.com",
    "search.brave.com",
    "startpage.com",
    "qwant.com",
    "kagi.com",
    "search.naver.com",
    "search.seznam.cz",
  ].map((host) => [host, "search"] as const),
  ...[
    "facebook.com",
    "twitter.com",
    "x.com",
    "t.co",
    "reddit.com",
    "linkedin.com",
    "lnkd.in",
    "instagram.com",
    "youtube.com",
    "youtu.be",
    "tiktok.com",
    "pinterest.com",
    "news.ycombinator.com",
    "mastodon.social",
    "bsky.app",
    "threads.net",
    "threads.com",
  ].map((host) => [host, "social"] as const),
]);

// Only the bare engine host counts (after "www." is stripped): subdomains such as
// mail.google.com, docs.google.com or accounts.google.com are products, not search results.
// Country forms: google.de, google.co.uk, google.com.au, plus google.cat.
const SEARCH_ENGINE_HOST = /^(?:google|yandex)\.(?:com|cat|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$/;

/** Lower-cases, drops a trailing dot and a leading "www.". */
function bareHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host.startsWith("www.") ? host.slice(4) : host;
}

function typeOfHost(host: string): ReferrerType {
  // Walk from the full host to shorter suffixes so the most specific entry wins
  // (gemini.google.com is "ai" even though google hosts are otherwise "search").
  for (let suffix = host; suffix !== "";) {
    const type = HOST_TYPES.get(suffix);
    if (type !== undefined) return type;
    const dot = suffix.indexOf(".");
    suffix = dot === -1 ? "" : suffix.slice(dot + 1);
  }
  return SEARCH_ENGINE_HOST.test(host) ? "search" : "direct_or_unknown";
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** The page's bare hostname from a Host-style value ("example.com:8080") or a full URL. */
function pageHostname(pageHost: string | null): string | null {
  if (!pageHost || pageHost.length > MAX_REFERRER_LENGTH) return null;
  const url = parseHttpUrl(pageHost.includes("://") ? pageHost : `http://${pageHost}`);
  return url && url.hostname !== "" ? bareHost(url.hostname) : null;
}

/**
 * Classifies a hit's referrer against the page's host. Never throws: anything that is not an
 * absolute http(s) URL of sane length is "direct_or_unknown" with null origin and domain.
 * Ports are ignored for "internal" so a Host header with or without :443 still matches.
 */
export function classifyReferrer(
  referrer: string | null,
  pageHost: string | null,
): ClassifiedReferrer {
  if (!referrer || referrer.length > MAX_REFERRER_LENGTH) return UNKNOWN;
  const url = parseHttpUrl(referrer.trim());
  if (url === null || url.hostname === "") return UNKNOWN;
  const domain = bareHost(url.hostname);
  const type = domain === pageHostname(pageHost) ? "internal" : typeOfHost(domain);
  return { origin: url.origin, domain, type };
}
