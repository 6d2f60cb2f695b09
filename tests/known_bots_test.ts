// Tests for lib/bots/known_bots.ts: named bots, every inherited pattern, real browsers that must
// pass, configured extras, categories and the optional crawler-user-agents feed.

import assert from "node:assert/strict";
import {
  botCategory,
  createKnownBotMatcher,
  loadCrawlerFeed,
  MAX_EXTRA_PATTERN_LENGTH,
  MAX_EXTRA_PATTERNS,
} from "../lib/bots/known_bots.ts";
import { BOT_RULES, REFINED_PATTERNS } from "../lib/bots/bot_names.ts";
import { buildCrawlerFeedRegex, MAX_FEED_PATTERN_LENGTH } from "../lib/bots/crawler_feed.ts";

const FALLBACK_NAMES = new Set(["Other Bot", "Generic Crawler", "Generic Spider"]);

const NAMED_BOTS: [ua: string, name: string][] = [
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot"],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "GPTBot",
  ],
  ["curl/8.4.0", "curl"],
  ["python-requests/2.31.0", "python-requests"],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
    "HeadlessChrome",
  ],
  ["Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "UptimeRobot"],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
    "ClaudeBot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    "Bingbot",
  ],
  // Longest pattern wins at the same position: the AI-training token, not the search bot.
  ["Mozilla/5.0 (compatible; Applebot-Extended/0.1)", "Applebot-Extended"],
  ["Mozilla/5.0 (compatible; Applebot/0.1; +http://www.apple.com/go/applebot)", "Applebot"],
  [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Baiduspider",
  ],
  ["Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "YandexBot"],
  ["WhatsApp/2.23.20.0 A", "WhatsApp"],
  [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Facebook",
  ],
  [
    "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "Meta-ExternalAgent",
  ],
  ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "AhrefsBot"],
  ["Wget/1.21.4", "Wget"],
  ["Go-http-client/2.0", "Go-http-client"],
  ["PostmanRuntime/7.36.0", "Postman"],
  ["k6/0.48.0 (https://k6.io/)", "k6"],
  ["Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Pingdom"],
  ["Mozilla/5.0 (compatible; SomeNewBot/1.0)", "Other Bot"],
  ["Mozilla/5.0 (compatible; ExampleCrawler/1.0)", "Generic Crawler"],
  ["Mozilla/5.0 (compatible; ExampleSpider/1.0)", "Generic Spider"],
  // Only isbot knows this one (its "^python" rule), so it is reported with the fallback name.
  ["Python/3.12", "Other Bot"],
  ["", "Empty User-Agent"],
  ["   ", "Empty User-Agent"],
];

for (const [ua, name] of NAMED_BOTS) {
  Deno.test(`known bot: ${JSON.stringify(ua.slice(0, 60))} → ${name}`, () => {
    assert.equal(createKnownBotMatcher()(ua), name);
  });
}

Deno.test("every literal pattern in the table reports its own rule's name", () => {
  const match = createKnownBotMatcher();
  const wrong: string[] = [];
  for (const rule of BOT_RULES) {
    for (const pattern of rule.patterns) {
      if (REFINED_PATTERNS.has(pattern)) continue; // covered by the UA table above
      const name = match(`${pattern.toUpperCase()}/1.0`);
      if (name !== rule.name) wrong.push(`${pattern} → ${name} (want ${rule.name})`);
    }
  }
  assert.deepEqual(wrong, []);
});

// Nanolytica's 68 patterns (reference §12), each with a UA that only it identifies.
const NANOLYTICA_SAMPLES: [pattern: string, ua: string][] = [
  ["bot", "Mozilla/5.0 (compatible; Foobot/1.0)"],
  ["crawler", "ExampleCrawler/2.0"],
  ["spider", "Mozilla/5.0 (compatible; FooSpider/1.0)"],
  ["crawl", "FooCrawl/1.0"],
  ["slurp", "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)"],
  ["scrape", "Mozilla/5.0 (compatible; PageScraper 1.0)"],
  ["googlebot", "Googlebot-Image/1.0"],
  ["bingbot", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"],
  ["yandex", "Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)"],
  [
    "baidu",
    "Mozilla/5.0 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)",
  ],
  ["duckduckbot", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)"],
  ["sogou", "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)"],
  ["exabot", "Mozilla/5.0 (compatible; Exabot/3.0; +http://www.exabot.com/go/robot)"],
  ["applebot", "Mozilla/5.0 (compatible; Applebot/0.1)"],
  [
    "petalbot",
    "Mozilla/5.0 (compatible;PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
  ],
  ["facebookexternalhit", "facebookexternalhit/1.1"],
  ["twitterbot", "Twitterbot/1.0"],
  [
    "linkedinbot",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
  ],
  ["whatsapp", "WhatsApp/2.2337.7 i"],
  ["telegrambot", "TelegramBot (like TwitterBot)"],
  ["discordbot", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"],
  ["slackbot", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"],
  ["ahrefsbot", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"],
  ["semrushbot", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)"],
  ["mj12bot", "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)"],
  ["dotbot", "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot)"],
  ["rogerbot", "rogerbot/1.0 (https://moz.com/help/pro/what-is-rogerbot-)"],
  ["screaming frog", "Screaming Frog SEO Spider/19.4"],
  ["gptbot", "GPTBot/1.2"],
  [
    "chatgpt-user",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0",
  ],
  ["claudebot", "ClaudeBot/1.0"],
  ["anthropic", "anthropic-ai/1.0"],
  ["ccbot", "CCBot/2.0 (https://commoncrawl.org/faq/)"],
  [
    "bytespider",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
  ],
  ["cohere-ai", "cohere-ai/1.0"],
  [
    "perplexitybot",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0)",
  ],
  ["ia_archiver", "ia_archiver (+http://www.alexa.com/site/help/webmasters)"],
  [
    "archive.org_bot",
    "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)",
  ],
  ["curl/", "curl/7.88.1"],
  ["wget/", "Wget/1.21.4"],
  ["python-requests", "python-requests/2.31.0"],
  ["python-urllib", "Python-urllib/3.11"],
  ["go-http-client", "Go-http-client/1.1"],
  ["node-fetch", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"],
  ["axios/", "axios/1.6.2"],
  ["httpx", "python-httpx/0.25.2"],
  ["java/", "Java/17.0.2"],
  ["okhttp", "okhttp/4.12.0"],
  ["apache-httpclient", "Apache-HttpClient/4.5.14 (Java/17.0.2)"],
  ["libwww-perl", "libwww-perl/6.72"],
  ["postman", "PostmanRuntime/7.36.0"],
  ["insomnia", "insomnia/2023.5.8"],
  ["headlesschrome", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0.0.0 Safari/537.36"],
  [
    "phantomjs",
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
  ],
  ["selenium", "Mozilla/5.0 Selenium/4.15"],
  ["puppeteer", "Mozilla/5.0 Puppeteer/21.6"],
  ["playwright", "Mozilla/5.0 Playwright/1.40"],
  ["apachebench", "ApacheBench/2.3"],
  ["siege", "Mozilla/5.0 (pc-x86_64-linux-gnu) Siege/4.1.6"],
  ["wrk", "wrk/4.2.0"],
  ["locust", "locust/2.20"],
  ["k6/", "k6/0.48.0 (https://k6.io/)"],
  ["uptimerobot", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"],
  ["pingdom", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"],
  ["statuscake", "Mozilla/5.0 (Windows NT 6.1; WOW64) StatusCake"],
  ["datadog", "Datadog/Synthetics"],
  ["newrelic", "NewRelicPinger/1.0 (1234567)"],
  ["site24x7", "Site24x7"],
];

Deno.test("every Nanolytica pattern is covered (68 samples)", () => {
  assert.equal(NANOLYTICA_SAMPLES.length, 68);
  const match = createKnownBotMatcher();
  const missed = NANOLYTICA_SAMPLES.filter(([, ua]) => match(ua) === null);
  assert.deepEqual(missed, []);
});

// Echelon's 41 defaults (reference §4.1): each must resolve to a specific name, not a fallback.
const ECHELON_DEFAULTS = [
  "Googlebot",
  "Bingbot",
  "bingbot",
  "Slurp",
  "DuckDuckBot",
  "Baiduspider",
  "YandexBot",
  "Sogou",
  "Exabot",
  "facebot",
  "facebookexternalhit",
  "ia_archiver",
  "Applebot",
  "AdsBot-Google",
  "Mediapartners-Google",
  "APIs-Google",
  "AhrefsBot",
  "SemrushBot",
  "MJ12bot",
  "DotBot",
  "PetalBot",
  "BLEXBot",
  "GPTBot",
  "ChatGPT-User",
  "OAI-SearchBot",
  "ClaudeBot",
  "Claude-Web",
  "Bytespider",
  "CCBot",
  "DataForSeoBot",
  "Amazonbot",
  "anthropic-ai",
  "PerplexityBot",
  "YouBot",
  "Scrapy",
  "curl",
  "wget",
  "python-requests",
  "Go-http-client",
  "HeadlessChrome",
  "Amzn-SearchBot",
];

Deno.test("every Echelon default pattern gets a specific display name (41)", () => {
  assert.equal(ECHELON_DEFAULTS.length, 41);
  const match = createKnownBotMatcher();
  for (const token of ECHELON_DEFAULTS) {
    const name = match(`${token}/1.0`);
    assert.ok(name !== null && !FALLBACK_NAMES.has(name), `${token} → ${name}`);
  }
});

const AI_CRAWLERS: [token: string, name: string][] = [
  ["GPTBot", "GPTBot"],
  ["ChatGPT-User", "ChatGPT-User"],
  ["OAI-SearchBot", "OAI-SearchBot"],
  ["ClaudeBot", "ClaudeBot"],
  ["Claude-Web", "Claude-Web"],
  ["anthropic-ai", "anthropic-ai"],
  ["PerplexityBot", "PerplexityBot"],
  ["Google-Extended", "Google-Extended"],
  ["Bytespider", "Bytespider"],
  ["CCBot", "CCBot"],
  ["Amazonbot", "Amazonbot"],
  ["Applebot-Extended", "Applebot-Extended"],
  ["cohere-ai", "cohere-ai"],
  ["Meta-ExternalAgent", "Meta-ExternalAgent"],
];

Deno.test("AI crawlers get their own name and the ai category", () => {
  const match = createKnownBotMatcher();
  for (const [token, name] of AI_CRAWLERS) {
    const ua = `Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ${token}/1.0)`;
    assert.equal(match(ua), name, token);
    assert.equal(botCategory(name), "ai", name);
  }
});

// Real browsers, desktop and mobile, including in-app browsers and a Cubot phone.
const HUMAN_BROWSERS: [label: string, ua: string][] = [
  [
    "Chrome Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  ],
  [
    "Chrome macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  ],
  [
    "Firefox Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  ],
  ["Firefox Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"],
  [
    "Safari macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
  ],
  [
    "Edge Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
  ],
  [
    "Opera Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
  ],
  [
    "Safari iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
  ],
  [
    "Chrome iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
  ],
  [
    "Firefox iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
  ],
  [
    "Safari iPad",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  ],
  [
    "Chrome Android",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  ],
  [
    "Samsung Internet",
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
  ],
  ["Firefox Android", "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0"],
  [
    "Edge Android",
    "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 EdgA/120.0.2210.115",
  ],
  [
    "Opera Android",
    "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 OPR/79.6.4202.75817",
  ],
  [
    "Chrome on a Cubot phone",
    "Mozilla/5.0 (Linux; Android 10; Cubot X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  ],
  [
    "Chrome on a CUBOT_ phone",
    "Mozilla/5.0 (Linux; Android 9; CUBOT_P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  ],
  [
    "ChromeOS",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  ],
  [
    "Yandex Browser",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36",
  ],
  [
    "Yandex search app",
    "Mozilla/5.0 (Linux; Android 6.0; Nexus 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0 YandexSearch/7.16 YandexSearchBrowser/7.16 Mobile Safari/537.36",
  ],
  [
    "Baidu app",
    "Mozilla/5.0 (Linux; Android 10; V1930A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/12.10 SP-engine/2.28.0 baiduboxapp/12.10.0.10 (Baidu; P1 10)",
  ],
  [
    "Facebook in-app iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.36.105;FBBV/544766432;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
  ],
  [
    "Google app iOS",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/300.0.598994205 Mobile/15E148 Safari/604.1",
  ],
];

Deno.test(`real browsers are not bots (${HUMAN_BROWSERS.length} UAs)`, () => {
  assert.ok(HUMAN_BROWSERS.length >= 12);
  const match = createKnownBotMatcher();
  const flagged = HUMAN_BROWSERS.filter(([, ua]) => match(ua) !== null)
    .map(([label, ua]) => `${label}: ${match(ua)}`);
  assert.deepEqual(flagged, []);
});

Deno.test("extra patterns match case-insensitively as literals and report the pattern", () => {
  const match = createKnownBotMatcher({ extraPatterns: ["acme-monitor", " internal.probe(v1) "] });
  assert.equal(match("ACME-Monitor/3.1 (+https://acme.example)"), "acme-monitor");
  assert.equal(match("Mozilla/5.0 INTERNAL.PROBE(V1)"), "internal.probe(v1)");
  // Regex metacharacters are escaped: "." must not match any character.
  assert.equal(match("Mozilla/5.0 internalXprobe(v1)"), null);
  assert.equal(botCategory("acme-monitor"), "other");
  // Without the extra pattern isbot still catches this UA, but only under the fallback name.
  assert.equal(createKnownBotMatcher()("ACME-Monitor/3.1 (+https://acme.example)"), "Other Bot");
});

Deno.test("extra patterns are bounded in count and length", () => {
  assert.throws(
    () => createKnownBotMatcher({ extraPatterns: ["x".repeat(MAX_EXTRA_PATTERN_LENGTH + 1)] }),
    RangeError,
  );
  assert.throws(
    () =>
      createKnownBotMatcher({
        extraPatterns: Array.from({ length: MAX_EXTRA_PATTERNS + 1 }, (_, i) => `p${i}`),
      }),
    RangeError,
  );
  // Blank entries (e.g. a trailing comma in the env list) are ignored, not matched everywhere.
  const match = createKnownBotMatcher({ extraPatterns: ["", "  "] });
  assert.equal(match(HUMAN_BROWSERS[0][1]), null);
});

Deno.test("botCategory maps display names", () => {
  const cases: [string, string][] = [
    ["Googlebot", "search"],
    ["GPTBot", "ai"],
    ["Twitterbot", "social"],
    ["AhrefsBot", "seo"],
    ["curl", "http_client"],
    ["HeadlessChrome", "automation"],
    ["UptimeRobot", "monitoring"],
    ["Internet Archive", "archiver"],
    ["Other Bot", "other"],
    ["Generic Crawler", "other"],
    ["Crawler (feed)", "other"],
    ["no such bot", "other"],
  ];
  for (const [name, category] of cases) assert.equal(botCategory(name), category, name);
});

Deno.test("verdicts are cached and over-long UAs are truncated before matching", () => {
  const match = createKnownBotMatcher({ cacheEntries: 2 });
  const chrome = HUMAN_BROWSERS[0][1];
  assert.equal(match(chrome), null);
  assert.equal(match(chrome), null);
  // A bot token beyond the first 512 characters is not looked at.
  assert.equal(match(chrome + " ".repeat(600) + "Googlebot/2.1"), null);
  assert.equal(match("Googlebot/2.1" + " ".repeat(600)), "Googlebot");
});

Deno.test("loadCrawlerFeed builds one regex from the installed package", () => {
  const feed = loadCrawlerFeed();
  assert.ok(feed instanceof RegExp);
  assert.equal(
    feed.test("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    true,
  );
  // A UA only the feed knows (Fluid is listed there as a bot, found by nothing else here).
  const ua =
    "Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_5_6; en-us) AppleWebKit/528.16 (KHTML, like Gecko) Fluid/0.9.6 Safari/528.16";
  assert.equal(createKnownBotMatcher()(ua), null);
  assert.equal(createKnownBotMatcher({ crawlerFeed: feed })(ua), "Crawler (feed)");
});

Deno.test("the crawler feed does not flag the common desktop and mobile browsers", () => {
  const match = createKnownBotMatcher({ crawlerFeed: loadCrawlerFeed() });
  const flagged = HUMAN_BROWSERS.filter(([, ua]) => match(ua) !== null).map(([label]) => label);
  assert.deepEqual(flagged, []);
});

Deno.test("buildCrawlerFeedRegex skips invalid, over-long and union-unsafe patterns", () => {
  const feed = buildCrawlerFeedRegex([
    { pattern: "GoodBot\\/" },
    { pattern: "([unclosed" },
    { pattern: "x".repeat(MAX_FEED_PATTERN_LENGTH + 1) },
    { pattern: "(a)\\1" },
    { pattern: 42 },
    null,
  ]);
  assert.ok(feed instanceof RegExp);
  assert.equal(feed.source, "(?:GoodBot\\/)");
  assert.equal(buildCrawlerFeedRegex({ not: "an array" }), null);
  assert.equal(buildCrawlerFeedRegex([{ pattern: "([bad" }]), null);
  assert.equal(loadCrawlerFeed("/nonexistent/crawler-user-agents.json"), null);
});
