// Pipeline steps shared by the page-view and event collectors: rate limit, origin, privacy
// signals, site rules, known bots, identity, exclusion, enrichment, scoring and the threshold.
import type { Anonymizer } from "../anonymize/mod.ts";
import type { Config } from "../config.ts";
import { SITE_ID_PATTERN } from "../config.ts";
import type { EphemeralStore } from "../ephemeral.ts";
import type { PowVerifier } from "../pow/mod.ts";
import type { KnownBotMatcher } from "../bots/known_bots.ts";
import { LruCache } from "../lru.ts";
import type { CollectCaches } from "./caches.ts";
import { counterSiteId, type CounterTable } from "./counters.ts";
import type { GeoLookup } from "./geo.ts";
import type { HostingLookup } from "./hosting_lookup.ts";
import { countryFromHeaders } from "./geo.ts";
import type { HitBase } from "./hit.ts";
import { isOverRateLimit } from "./rate_limit.ts";
import type { IdentityResolver } from "./identity.ts";
import type { Step } from "./pipeline.ts";
import type { UaParser } from "./user_agent.ts";

export interface CollectorDeps {
  config: Config;
  ephemeral: EphemeralStore;
  identity: IdentityResolver;
  caches: CollectCaches;
  parseUa: UaParser;
  matchBot: KnownBotMatcher;
  /** Score signals from the crawler-user-agents feed for a UA (see crawlerFeedSignals). */
  crawlerSignals: CrawlerSignals;
  geo: GeoLookup;
  /** Hosting networks by client IP (lib/ingest/hosting_lookup.ts). */
  hosting: HostingLookup;
  pow: PowVerifier;
  botTraffic: CounterTable;
  /** ECHELON_ANONYMIZE_SITES: the bot report's paths and exclusions see the stored values. */
  anonymizer: Anonymizer;
}

/**
 * Points for a UA listed by the crawler-user-agents feed. Known bots are dropped before scoring,
 * so only feed-only matches reach this: the feed also lists real apps (VS Code's webview,
 * Instagram's and Facebook's in-app browsers), which is why it scores instead of dropping.
 */
export const CRAWLER_FEED_POINTS = 30;

export type CrawlerSignals = (ua: string) => Readonly<Record<string, number>> | undefined;

/** Memoised feed matching: the feed is one large alternation, too slow to run on every hit. */
export function crawlerFeedSignals(feed: RegExp | null, cacheEntries = 5000): CrawlerSignals {
  if (feed === null) return () => undefined;
  const signals = Object.freeze({ crawler_feed: CRAWLER_FEED_POINTS });
  const cache = new LruCache<string, boolean>(cacheEntries);
  return (ua) => {
    let listed = cache.get(ua);
    if (listed === undefined) cache.set(ua, listed = feed.test(ua));
    return listed ? signals : undefined;
  };
}

/**
 * Whether a hit's utm_campaign is stored: by default only for an active registered campaign of
 * the site (the reference's whitelist, so stray or forged tags never reach the reports);
 * ECHELON_UTM_RECORD_ALL=true keeps every value. Answered from memory, never a query per hit.
 */
export function isRecordedCampaign(deps: CollectorDeps, siteId: string, campaign: string): boolean {
  return deps.config.utmRecordAll || deps.caches.isActiveCampaign(siteId, campaign);
}

export function rateLimitStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "rate_limit",
    run(hit) {
      if (isOverRateLimit(deps.ephemeral, deps.config, hit.facts.ip, hit.facts.now)) {
        return "rate_limited";
      }
    },
  };
}

/** With ECHELON_ALLOWED_ORIGINS set, the Origin or Referer host must be listed (also for /e). */
export function originStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const allowed = new Set(deps.config.allowedOrigins);
  return {
    name: "origin",
    run(hit) {
      if (allowed.size === 0) return;
      if (!hit.pageHost || !allowed.has(hit.pageHost)) return "origin_not_allowed";
    },
  };
}

export function privacyStep<H extends HitBase>(): Step<H> {
  return {
    name: "privacy",
    run(hit) {
      const h = hit.facts.headers;
      if (h.get("dnt") === "1" || h.get("sec-gpc") === "1") return "dnt";
    },
  };
}

/**
 * The site rules: ignored sites, the allowlist or registered-only mode, and for a site not yet
 * registered, whether the registry has room for it (lib/ingest/site_registrar.ts).
 */
export function siteStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const { ignoredSites, allowedSites, registeredSitesOnly } = deps.config;
  const ignored = new Set(ignoredSites);
  const allowlist = new Set(allowedSites);
  const requireRegistration = registeredSitesOnly || allowlist.size > 0;
  const registrar = deps.caches.registrar;
  return {
    name: "site",
    run(hit) {
      if (!SITE_ID_PATTERN.test(hit.siteId)) return "invalid_payload";
      const site = hit.siteId;
      if (ignored.has(site)) return "site_ignored";
      if (allowlist.has(site) || deps.caches.isRegistered(site)) return;
      if (requireRegistration) return "site_not_allowed";
      return registrar.refusal(hit.facts.now) ?? undefined;
    },
  };
}

/** Known crawlers are not scored or stored as views; they are counted per bot, site and path. */
export function knownBotStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "known_bot",
    run(hit) {
      const bot = deps.matchBot(hit.facts.userAgent);
      if (bot === null) return;
      const { date } = hit.facts;
      const path = deps.anonymizer.reportPath(hit.siteId, date, hit.reportPath);
      deps.botTraffic.add(date, counterSiteId(hit.siteId), bot, path);
      return "known_bot";
    },
  };
}

export function exclusionStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "exclusion",
    run(hit) {
      if (deps.caches.isExcluded(hit.visitorId)) return "excluded_visitor";
      // An anonymised site's admin sees (and excludes) the stored, mapped id of the day.
      if (!deps.anonymizer.appliesTo(hit.siteId)) return;
      const stored = deps.anonymizer.visitorId(hit.siteId, hit.facts.date, hit.visitorId);
      if (deps.caches.isExcluded(stored)) return "excluded_visitor";
    },
  };
}

export function userAgentStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "user_agent",
    run(hit) {
      hit.userAgent = deps.parseUa(hit.facts.userAgent);
    },
  };
}

export function countryStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const trust = {
    behindCloudflare: deps.config.behindCloudflare,
    trustGeoHeaders: deps.config.trustGeoHeaders,
  };
  return {
    name: "country",
    run(hit) {
      const edge = hit.facts.viaTrustedProxy ? countryFromHeaders(hit.facts.headers, trust) : null;
      // deps.geo is read per hit: the geo-reload job may have swapped in a new database.
      const fields = deps.geo.info?.fields;
      const hasPlaces = fields?.region === true || fields?.city === true;
      const place = edge === null || hasPlaces ? deps.geo.locate(hit.facts.ip) : null;
      hit.country = edge ?? place?.country ?? null;
      // Region and city only when the database places the IP in the country the hit has: an
      // edge that says otherwise knows better, and a city in another country would be wrong.
      const agrees = place !== null && place.country === hit.country;
      hit.region = agrees ? place.region : null;
      hit.city = agrees ? place.city : null;
    },
  };
}

/** The crawler-user-agents feed's points for the hit's UA, as an extra signal. */
export function crawlerFeedStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "crawler_feed",
    run(hit) {
      addSignals(hit, deps.crawlerSignals(hit.facts.userAgent));
    },
  };
}

/** Adds detector points to the hit's extra signals (summed by name). */
export function addSignals(hit: HitBase, signals: Readonly<Record<string, number>> | undefined) {
  if (!signals) return;
  for (const name in signals) hit.signals[name] = (hit.signals[name] ?? 0) + signals[name];
}

export function powStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  return {
    name: "proof_of_work",
    run(hit) {
      const result = deps.pow.verify(hit.token, hit.siteId, hit.visitorId);
      hit.powVerdict = result.verdict;
      hit.powDifficulty = result.difficulty ?? null;
      hit.powSealed = result.sealed ?? null;
    },
  };
}

export function thresholdStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const threshold = deps.config.botDiscardThreshold;
  return {
    name: "threshold",
    run(hit) {
      if (threshold > 0 && hit.score >= threshold) return "over_threshold";
    },
  };
}

/**
 * Registers a site on its first valid hit (the site step checked there is room; an allowlisted
 * site is registered regardless: the operator listed it).
 */
export function registerSiteStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const allowlist = new Set(deps.config.allowedSites);
  return {
    name: "register_site",
    run(hit) {
      if (!deps.caches.noteSite(hit.siteId)) return;
      deps.caches.registrar.add(hit.siteId, hit.facts.now, allowlist.has(hit.siteId));
    },
  };
}
