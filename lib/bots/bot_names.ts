// The known-bot table: lowercase UA substrings → display name and category.
// Merges Nanolytica's 68 patterns, Echelon's 41 defaults and current AI crawlers, so one table
// drives both matching (lib/bots/known_bots.ts) and the Bots dashboard's grouping.

export type BotCategory =
  | "search"
  | "ai"
  | "social"
  | "seo"
  | "http_client"
  | "automation"
  | "monitoring"
  | "archiver"
  | "other";

/**
 * What an AI bot fetches for: training data (GPTBot, ClaudeBot, CCBot…), an AI search index
 * (OAI-SearchBot, PerplexityBot…), or one user's question right now (ChatGPT-User, Claude-User…).
 * Google-Extended and Applebot-Extended are robots.txt tokens only: they never appear in a
 * User-Agent (Google and Apple crawl as Googlebot and Applebot), so they are listed for the names.
 */
export type AiRole = "ai_training" | "ai_search" | "ai_assistant";

export interface BotRule {
  readonly name: string;
  readonly category: BotCategory;
  /** Set on every "ai" rule. */
  readonly role?: AiRole;
  /** Lowercase literal substrings (see REFINED_PATTERNS for the few that need more care). */
  readonly patterns: readonly string[];
}

// Fallback names for the generic words, kept from Nanolytica so stored names stay comparable.
export const EMPTY_UA_NAME = "Empty User-Agent";
export const GENERIC_CRAWLER_NAME = "Generic Crawler";
export const GENERIC_SPIDER_NAME = "Generic Spider";
export const OTHER_BOT_NAME = "Other Bot";
export const CRAWLER_FEED_NAME = "Crawler (feed)";

/** Generic words checked only after every named rule, so "Googlebot" is never "Other Bot". */
export const GENERIC_PATTERNS: ReadonlyMap<string, string> = new Map([
  ["bot", OTHER_BOT_NAME],
  ["crawler", GENERIC_CRAWLER_NAME],
  ["crawl", GENERIC_CRAWLER_NAME],
  ["spider", GENERIC_SPIDER_NAME],
  ["scrape", OTHER_BOT_NAME],
]);

/**
 * Patterns whose bare substring also hits human browsers, mapped to a hand-written (trusted)
 * regex source that keeps the intent. Everything else is matched as an escaped literal.
 * Each source must consume exactly the key's text (conditions go in lookarounds), because the
 * matcher uses the matched text, lower-cased, as the key for the display name.
 */
export const REFINED_PATTERNS: ReadonlyMap<string, string> = new Map([
  // "Cubot" is a phone brand (e.g. "Android 9; CUBOT_P30"); isbot excludes it the same way.
  ["bot", "(?<!cu)bot"],
  // Baidu's own app and browser (baiduboxapp, baidubrowser, "(Baidu; P1 10)") are human;
  // Baidu's crawlers identify as Baiduspider* or Baidu-*.
  ["baidu", "baidu(?=spider|-)"],
  // The Yandex search app (human) sends "YandexSearch/…"; isbot anchors ^yandex for this reason.
  ["yandex", "yandex(?!search)"],
  // WhatsApp's link-preview fetcher starts its UA with "WhatsApp/"; follow isbot's ^whatsapp.
  ["whatsapp", "^whatsapp"],
]);

export const BOT_RULES: readonly BotRule[] = [
  // Search engines.
  {
    name: "Googlebot",
    category: "search",
    patterns: [
      "googlebot",
      "google-inspectiontool",
      "googleother",
      "storebot-google",
      "feedfetcher-google",
    ],
  },
  { name: "AdsBot-Google", category: "search", patterns: ["adsbot-google"] },
  { name: "Mediapartners-Google", category: "search", patterns: ["mediapartners-google"] },
  { name: "APIs-Google", category: "search", patterns: ["apis-google"] },
  {
    name: "Bingbot",
    category: "search",
    patterns: ["bingbot", "bingpreview", "msnbot", "adidxbot"],
  },
  { name: "Yahoo! Slurp", category: "search", patterns: ["slurp"] },
  { name: "DuckDuckBot", category: "search", patterns: ["duckduckbot"] },
  { name: "Baiduspider", category: "search", patterns: ["baidu"] },
  { name: "YandexBot", category: "search", patterns: ["yandex"] },
  { name: "Sogou Spider", category: "search", patterns: ["sogou"] },
  { name: "Exabot", category: "search", patterns: ["exabot"] },
  { name: "Applebot", category: "search", patterns: ["applebot"] },
  { name: "PetalBot", category: "search", patterns: ["petalbot"] },
  { name: "Amzn-SearchBot", category: "search", patterns: ["amzn-searchbot"] },
  { name: "SeznamBot", category: "search", patterns: ["seznambot"] },
  { name: "MojeekBot", category: "search", patterns: ["mojeekbot"] },
  { name: "Qwantbot", category: "search", patterns: ["qwantbot", "qwantify"] },
  { name: "coccocbot", category: "search", patterns: ["coccocbot"] },

  // AI crawlers and AI assistants fetching on a user's behalf.
  { name: "GPTBot", category: "ai", role: "ai_training", patterns: ["gptbot"] },
  { name: "ChatGPT-User", category: "ai", role: "ai_assistant", patterns: ["chatgpt-user"] },
  { name: "OAI-SearchBot", category: "ai", role: "ai_search", patterns: ["oai-searchbot"] },
  { name: "ClaudeBot", category: "ai", role: "ai_training", patterns: ["claudebot"] },
  { name: "Claude-Web", category: "ai", role: "ai_assistant", patterns: ["claude-web"] },
  { name: "Claude-User", category: "ai", role: "ai_assistant", patterns: ["claude-user"] },
  { name: "Claude-SearchBot", category: "ai", role: "ai_search", patterns: ["claude-searchbot"] },
  { name: "anthropic-ai", category: "ai", role: "ai_training", patterns: ["anthropic"] },
  { name: "PerplexityBot", category: "ai", role: "ai_search", patterns: ["perplexitybot"] },
  { name: "Perplexity-User", category: "ai", role: "ai_assistant", patterns: ["perplexity-user"] },
  { name: "Google-Extended", category: "ai", role: "ai_training", patterns: ["google-extended"] },
  { name: "Bytespider", category: "ai", role: "ai_training", patterns: ["bytespider"] },
  { name: "CCBot", category: "ai", role: "ai_training", patterns: ["ccbot"] },
  { name: "Amazonbot", category: "ai", role: "ai_training", patterns: ["amazonbot"] },
  {
    name: "Applebot-Extended",
    category: "ai",
    role: "ai_training",
    patterns: ["applebot-extended"],
  },
  {
    name: "cohere-ai",
    category: "ai",
    role: "ai_training",
    patterns: ["cohere-ai", "cohere-training-data-crawler"],
  },
  {
    name: "Meta-ExternalAgent",
    category: "ai",
    role: "ai_training",
    patterns: ["meta-externalagent"],
  },
  { name: "YouBot", category: "ai", role: "ai_search", patterns: ["youbot"] },
  { name: "DuckAssistBot", category: "ai", role: "ai_search", patterns: ["duckassistbot"] },
  { name: "MistralAI-User", category: "ai", role: "ai_assistant", patterns: ["mistralai-user"] },
  { name: "Diffbot", category: "ai", role: "ai_training", patterns: ["diffbot"] },
  { name: "AI2Bot", category: "ai", role: "ai_training", patterns: ["ai2bot"] },
  { name: "Timpibot", category: "ai", role: "ai_training", patterns: ["timpibot"] },
  { name: "ImagesiftBot", category: "ai", role: "ai_training", patterns: ["imagesiftbot"] },
  { name: "img2dataset", category: "ai", role: "ai_training", patterns: ["img2dataset"] },

  // Link-preview fetchers of social networks and chat apps.
  { name: "Facebook", category: "social", patterns: ["facebookexternalhit", "facebot"] },
  { name: "Meta-ExternalFetcher", category: "social", patterns: ["meta-externalfetcher"] },
  { name: "Twitterbot", category: "social", patterns: ["twitterbot"] },
  { name: "LinkedInBot", category: "social", patterns: ["linkedinbot"] },
  { name: "WhatsApp", category: "social", patterns: ["whatsapp"] },
  { name: "TelegramBot", category: "social", patterns: ["telegrambot"] },
  { name: "Discordbot", category: "social", patterns: ["discordbot"] },
  { name: "Slackbot", category: "social", patterns: ["slackbot", "slack-imgproxy"] },
  { name: "Pinterestbot", category: "social", patterns: ["pinterestbot"] },
  { name: "redditbot", category: "social", patterns: ["redditbot"] },
  { name: "Embedly", category: "social", patterns: ["embedly"] },
  { name: "Iframely", category: "social", patterns: ["iframely"] },
  { name: "SkypeUriPreview", category: "social", patterns: ["skypeuripreview"] },
  { name: "Bluesky", category: "social", patterns: ["cardyb"] },
  { name: "Mastodon", category: "social", patterns: ["mastodon/"] },

  // SEO tools.
  { name: "AhrefsBot", category: "seo", patterns: ["ahrefsbot", "ahrefssiteaudit"] },
  { name: "SemrushBot", category: "seo", patterns: ["semrushbot"] },
  { name: "MJ12bot", category: "seo", patterns: ["mj12bot"] },
  { name: "DotBot", category: "seo", patterns: ["dotbot"] },
  { name: "rogerbot", category: "seo", patterns: ["rogerbot"] },
  { name: "Screaming Frog", category: "seo", patterns: ["screaming frog"] },
  { name: "BLEXBot", category: "seo", patterns: ["blexbot"] },
  { name: "DataForSeoBot", category: "seo", patterns: ["dataforseobot"] },
  { name: "serpstatbot", category: "seo", patterns: ["serpstatbot"] },
  { name: "Barkrowler", category: "seo", patterns: ["barkrowler"] },
  { name: "MegaIndex", category: "seo", patterns: ["megaindex"] },

  // Web archivers.
  { name: "Internet Archive", category: "archiver", patterns: ["ia_archiver", "archive.org_bot"] },
  { name: "Heritrix", category: "archiver", patterns: ["heritrix"] },

  // HTTP client libraries and API tools.
  { name: "curl", category: "http_client", patterns: ["curl"] },
  { name: "Wget", category: "http_client", patterns: ["wget"] },
  { name: "python-requests", category: "http_client", patterns: ["python-requests"] },
  { name: "Python-urllib", category: "http_client", patterns: ["python-urllib"] },
  { name: "HTTPX", category: "http_client", patterns: ["httpx"] },
  { name: "aiohttp", category: "http_client", patterns: ["aiohttp"] },
  { name: "Scrapy", category: "http_client", patterns: ["scrapy"] },
  { name: "Go-http-client", category: "http_client", patterns: ["go-http-client"] },
  { name: "node-fetch", category: "http_client", patterns: ["node-fetch"] },
  { name: "axios", category: "http_client", patterns: ["axios/"] },
  { name: "Java", category: "http_client", patterns: ["java/"] },
  { name: "OkHttp", category: "http_client", patterns: ["okhttp"] },
  { name: "Apache-HttpClient", category: "http_client", patterns: ["apache-httpclient"] },
  { name: "libwww-perl", category: "http_client", patterns: ["libwww-perl"] },
  { name: "Guzzle", category: "http_client", patterns: ["guzzlehttp"] },
  { name: "Postman", category: "http_client", patterns: ["postman"] },
  { name: "Insomnia", category: "http_client", patterns: ["insomnia"] },

  // Browser automation and load generators: scripted traffic, never a person.
  { name: "HeadlessChrome", category: "automation", patterns: ["headlesschrome"] },
  { name: "PhantomJS", category: "automation", patterns: ["phantomjs"] },
  { name: "Selenium", category: "automation", patterns: ["selenium"] },
  { name: "Puppeteer", category: "automation", patterns: ["puppeteer"] },
  { name: "Playwright", category: "automation", patterns: ["playwright"] },
  { name: "Cypress", category: "automation", patterns: ["cypress/"] },
  { name: "ApacheBench", category: "automation", patterns: ["apachebench"] },
  { name: "Siege", category: "automation", patterns: ["siege"] },
  { name: "wrk", category: "automation", patterns: ["wrk"] },
  { name: "Locust", category: "automation", patterns: ["locust"] },
  { name: "k6", category: "automation", patterns: ["k6/"] },
  { name: "JMeter", category: "automation", patterns: ["jmeter"] },

  // Uptime and performance monitors.
  { name: "UptimeRobot", category: "monitoring", patterns: ["uptimerobot"] },
  { name: "Pingdom", category: "monitoring", patterns: ["pingdom"] },
  { name: "StatusCake", category: "monitoring", patterns: ["statuscake"] },
  { name: "Datadog", category: "monitoring", patterns: ["datadog"] },
  { name: "New Relic", category: "monitoring", patterns: ["newrelic"] },
  { name: "Site24x7", category: "monitoring", patterns: ["site24x7"] },
  { name: "Uptime Kuma", category: "monitoring", patterns: ["uptime-kuma"] },
  { name: "Better Stack", category: "monitoring", patterns: ["betteruptime", "better uptime"] },
  { name: "HetrixTools", category: "monitoring", patterns: ["hetrixtools"] },
  { name: "Freshping", category: "monitoring", patterns: ["freshping"] },
  { name: "GTmetrix", category: "monitoring", patterns: ["gtmetrix"] },
  { name: "Lighthouse", category: "monitoring", patterns: ["chrome-lighthouse"] },
];

/** Builds name → category for the rule table; call once (the matcher factory does). */
export function buildCategoryIndex(
  rules: readonly BotRule[] = BOT_RULES,
): ReadonlyMap<string, BotCategory> {
  return new Map(rules.map((rule) => [rule.name, rule.category]));
}

let categoryIndex: ReadonlyMap<string, BotCategory> | undefined;
let roleIndex: ReadonlyMap<string, AiRole> | undefined;

/** The AI role of a bot display name, or null for a bot that is not an AI crawler. */
export function botAiRole(name: string): AiRole | null {
  roleIndex ??= new Map(
    BOT_RULES.flatMap((rule) => rule.role ? [[rule.name, rule.role] as const] : []),
  );
  return roleIndex.get(name) ?? null;
}

/**
 * The category of a bot display name, "other" for fallbacks, feed hits and custom patterns.
 * The index is built on first use rather than at import.
 */
export function botCategory(name: string): BotCategory {
  categoryIndex ??= buildCategoryIndex();
  return categoryIndex.get(name) ?? "other";
}
