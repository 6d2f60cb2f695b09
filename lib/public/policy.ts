// What public mode may show (ECHELON_PUBLIC_MODE; docs/architecture.md, "Reliability and
// security"), in one place: for each API route the shape of its public answer (lib/public/shape.ts)
// or the CSV sections it may carry, and the admin pages that are public. Aggregates only: counts,
// rates, top lists and time series. Per-row records (a visitor, a view, an event, an exclusion, a
// key, a session), the admin's labels and the instance's settings are never listed, and anything
// not listed is refused (403 not_public). MCP tools read the API, so its answers apply to them too.
import { FILTER_NAMES, VITAL_METRICS } from "../stats/terms.ts";
import { DELTA_KEYS } from "../stats/change.ts";
import { ANY_KEY, numbers, ranked, rows, type Shape, strings } from "./shape.ts";

/** A JSON answer reduced to a shape (a function when the route answers two shapes). */
export interface PublicJson {
  json: Shape | ((url: URL) => Shape);
}

/** A CSV export: the titles of the sections a public file may carry, in full. */
export interface PublicCsv {
  csvSections: readonly string[];
}

export type PublicRead = PublicJson | PublicCsv;

// ---------------------------------------------------------------------------------------------
// Shapes shared by several answers

const HEADLINE = numbers(
  "visits",
  "pageviews",
  "unique_visitors",
  "sessions",
  "bounces",
  "bounce_rate",
  "pages_per_session",
  "avg_session_ms",
  "avg_interaction_ms",
  "avg_engagement_ms",
  "avg_scroll_pct",
  "events",
);
const TREND_POINT = rows({
  date: "string",
  ...numbers("visits", "visitors", "sessions", "bounces", "events"),
});
const VITAL = numbers("samples", "p50", "p75", "p95", "good", "needs_improvement", "poor");
const CHANGE = numbers("current", "previous", "change", "change_pct");
const fieldsOf = (names: readonly string[], shape: Shape) =>
  Object.fromEntries(names.map((name) => [name, shape]));

const OVERVIEW: Shape = {
  ...strings("site_id", "from", "to", "timezone"),
  period_days: "number",
  filters: strings(...FILTER_NAMES),
  source: strings("kind", "raw_from", "today_built_at"),
  ...HEADLINE,
  top_paths: ranked("path", "views", "visitors"),
  entry_pages: ranked("path", "sessions", "bounces", "bounce_rate"),
  exit_pages: ranked("path", "sessions"),
  referrers: ranked("referrer_type", "views", "visitors"),
  referrer_domains: ranked("domain", "views", "visitors"),
  utm_sources: ranked("utm_source", "views", "visitors"),
  utm_mediums: ranked("utm_medium", "views", "visitors"),
  utm_campaigns: ranked("utm_campaign", "views", "visitors"),
  countries: ranked("country_code", "visits", "visitors"),
  regions: rows({ ...strings("country_code", "region"), ...numbers("visits", "visitors") }),
  cities: rows({ ...strings("country_code", "region", "city"), ...numbers("visits", "visitors") }),
  devices: ranked("device_type", "visits", "visitors"),
  os_systems: ranked("os_name", "views", "visitors"),
  browsers: ranked("browser", "views", "visitors"),
  resolutions: ranked("resolution", "views", "visitors"),
  screen_classes: ranked("screen_class", "views", "visitors"),
  outbound_links: ranked("url", "clicks", "visitors"),
  downloads: ranked("url", "clicks", "visitors"),
  events_by_type: ranked("event_type", "count", "visitors"),
  custom_events: ranked("event_name", "count", "visitors"),
  scroll_depth: rows(numbers("depth", "pageviews")),
  web_vitals: fieldsOf(VITAL_METRICS, VITAL),
  daily_trend: TREND_POINT,
  previous: { ...strings("from", "to"), ...HEADLINE, daily_trend: TREND_POINT },
  deltas: fieldsOf(DELTA_KEYS, CHANGE),
};

const MINUTES = rows({ ...strings("t", "minute"), count: "number" });
const HOURS = rows({ ...strings("t", "hour"), count: "number" });
/** The live dashboard without its recent visitors and events (per-row records). */
const LIVE_DASHBOARD: Shape = {
  ...strings("site_id", "generated_at", "timezone"),
  now: numbers("activeVisitors", "estimatedBots", "pageviews", "windowMinutes"),
  hourly: { visitors: MINUTES, views: MINUTES, events: MINUTES },
  daily: { visitors: HOURS, views: HOURS, events: HOURS },
};

const REALTIME: Shape = {
  ...strings("site_id", "generated_at"),
  ...numbers("window_minutes", "active_visitors", "pageviews"),
  active_paths: ranked("path", "views", "visitors"),
  referrers: ranked("referrer_domain", "views", "visitors"),
  countries: ranked("country_code", "views", "visitors"),
};

const CAMPAIGN = strings("id", "name", "utm_campaign", "site_id", "status", "created_at");
const TRAFFIC = numbers("views", "visitors", "sessions", "bounces", "bounce_rate");
const CAMPAIGN_SUMMARY = { ...CAMPAIGN, ...TRAFFIC };
const PERIOD = strings("from", "to");
const CAMPAIGN_REPORT: Shape = {
  campaign_id: "string",
  campaign: CAMPAIGN,
  period: PERIOD,
  ...TRAFFIC,
  ...numbers("events", "event_visitors", "conversions", "conversion_rate"),
  bySource: ranked("utm_source", "views", "visitors"),
  byMedium: ranked("utm_medium", "views", "visitors"),
  byContent: ranked("utm_content", "views", "visitors"),
  byTerm: ranked("utm_term", "views", "visitors"),
  topPaths: ranked("path", "views", "visitors"),
  landingPages: ranked("path", "sessions", "bounces", "bounce_rate"),
  dailyTrend: rows({ date: "string", ...numbers("views", "visitors") }),
  eventsByType: ranked("event_type", "count", "unique_visitors"),
  eventsByName: ranked("event_name", "count", "unique_visitors"),
};

const CAMPAIGN_EVENTS: Shape = [{
  ...strings("campaign_id", "campaign_name", "utm_campaign"),
  ...numbers("visitors", "events", "event_visitors", "event_rate", "events_per_visitor"),
  event_types: ranked("event_type", "count", "unique_visitors"),
  event_names: ranked("event_name", "count", "unique_visitors"),
}];

/** An experiment's definition; variant `config` (what the tracker applies) is a setting. */
const EXPERIMENT: Shape = {
  ...strings(
    "experiment_id",
    "site_id",
    "name",
    "description",
    "status",
    "metric_event_type",
    "metric",
    "metric_kind",
    "created_at",
    "started_at",
    "ended_at",
  ),
  ...numbers("allocation_percent", "metric_goal_id"),
  variants: rows({ ...strings("variant_id", "name"), weight: "number", is_control: "boolean" }),
};

const EXPERIMENT_RESULTS: Shape = [{
  ...strings(
    "experiment_id",
    "name",
    "status",
    "site_id",
    "metric_event_type",
    "metric",
    "metric_kind",
    "started_at",
    "ended_at",
    "bots",
  ),
  goal: { id: "number", ...strings("name", "kind", "description") },
  bot_threshold: "number",
  window: PERIOD,
  pauses: rows(strings("paused_at", "resumed_at")),
  ...numbers("paused_ms", "exposures", "conversions", "minimum_sample"),
  unknown_variants: ranked("variant_id", "exposures", "conversions"),
  variants: rows({
    ...strings("variant_id", "name", "significance_level", "significance"),
    ...numbers(
      "weight",
      "impressions",
      "exposures",
      "conversions",
      "conversion_rate",
      "relative_uplift",
      "difference",
      "z",
      "p_value",
      "ci_low",
      "ci_high",
    ),
    is_control: "boolean",
    significant: "boolean",
  }),
  sample_ratio: {
    ...numbers("chi_square", "df", "p_value", "threshold"),
    expected: { [ANY_KEY]: "number" },
    mismatch: "boolean",
  },
  notes: ["string"],
}];

const BOT_REPORT: Shape = {
  ...strings("site_id", "since"),
  days: "number",
  known_bots: [{
    ...strings("bot_name", "category"),
    hits: "number",
    top_paths: ranked("path", "hits"),
  }],
  by_day: ranked("date", "hits"),
  dropped: rows({ ...strings("reason", "endpoint"), hits: "number" }),
  scored: {
    by_signal: ranked("signal", "rows", "points"),
    pow_verdicts: ranked("verdict", "rows"),
    buckets: numbers("clean", "medium", "bot"),
  },
};

const PERF_TRENDS: Shape = {
  window: "number",
  threshold_pct: "number",
  truncated: "boolean",
  series: [{
    ...strings("category", "metric", "branch", "unit", "better", "status"),
    ...strings("latest_at", "latest_commit"),
    ...numbers("threshold_pct", "count", "latest", "min", "max", "mean", "baseline"),
    ...numbers("change", "change_pct"),
    points: rows({ value: "number", ...strings("recorded_at", "commit_hash") }),
  }],
};

// ---------------------------------------------------------------------------------------------
// The API

/** Every API route an anonymous caller may read on a public instance, by route pattern. */
export const PUBLIC_API: Readonly<Record<string, PublicRead>> = {
  "/api/health": { json: strings("status", "service", "version", "database") },
  "/api/stats/summary": {
    json: { last_24h: numbers("total_views", "human_views", "bot_views", "unique_visitors") },
  },
  "/api/stats/overview": { json: OVERVIEW },
  "/api/stats/dashboard": { json: LIVE_DASHBOARD },
  "/api/stats/realtime": { json: REALTIME },
  "/api/stats/campaigns": {
    json: (url) => url.searchParams.has("id") ? CAMPAIGN_REPORT : [CAMPAIGN_SUMMARY],
  },
  "/api/stats/campaign-events": { json: CAMPAIGN_EVENTS },
  "/api/stats/experiments": { json: EXPERIMENT_RESULTS },
  "/api/campaigns": { json: [CAMPAIGN_SUMMARY] },
  "/api/campaigns/:id": { json: { ...CAMPAIGN_SUMMARY, period: PERIOD } },
  "/api/experiments": { json: [EXPERIMENT] },
  "/api/experiments/:id": { json: EXPERIMENT },
  "/api/sites": {
    json: rows({ ...strings("site_id", "name"), ...numbers("views_today", "views_30d") }),
  },
  "/api/bots/report": { json: BOT_REPORT },
  "/api/perf/trends": { json: PERF_TRENDS },
  "/api/export/overview.csv": {
    csvSections: [
      "Echelon Analytics overview",
      "Summary",
      "Daily trend",
      "Top pages",
      "Entry pages",
      "Exit pages",
      "Referrers",
      "Referrer types",
      "UTM sources",
      "UTM mediums",
      "UTM campaigns",
      "Countries",
      "Regions",
      "Cities",
      "Devices",
      "Browsers",
      "Operating systems",
      "Screen resolutions",
      "Screen classes",
      "Outbound links",
      "Downloads",
      "Events by type",
      "Custom events",
      "Web vitals",
      "Scroll depth",
    ],
  },
  "/api/export/bots.csv": {
    csvSections: [
      "Echelon Analytics bot report",
      "Stored page views by bot score",
      "Known bots",
      "Known-bot hits by day, bot and path",
      "Dropped hits",
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// The admin pages

export interface PublicPage {
  /** Listed in sitemap.xml and llms.txt with this title and description. */
  listed?: { title: string; about: string };
}

/**
 * Every admin page a public instance serves, by route pattern (each renders its read-only
 * variant, lib/admin/forms.ts isReadOnly). Pages of one visitor, settings, keys, sites and the
 * forms that write are not among them.
 */
export const PUBLIC_ADMIN_PAGES: Readonly<Record<string, PublicPage>> = {
  "/admin": {
    listed: { title: "Dashboard", about: "visitors, views, bounce rate and top lists" },
  },
  "/admin/realtime": { listed: { title: "Realtime", about: "visitors of the last minutes" } },
  "/admin/journeys": {
    listed: { title: "Journeys", about: "the pages visits go on to from a page, or came from" },
  },
  "/admin/visitors": {},
  "/admin/views": { listed: { title: "Page views", about: "top pages of the period" } },
  "/admin/events": { listed: { title: "Events", about: "event counts by type and name" } },
  "/admin/bots": { listed: { title: "Bots", about: "bot scores, known crawlers and drops" } },
  "/admin/experiments": {
    listed: { title: "Experiments", about: "A/B tests and their results" },
  },
  "/admin/experiments/:id": {},
  "/admin/campaigns": {
    listed: { title: "Campaigns", about: "UTM campaigns and their traffic" },
  },
  "/admin/campaigns/:id": {},
  // A site's goals and their conversions (the definitions are what the figures count).
  "/admin/sites/:id/goals": {},
  "/admin/sites/:id/funnels": {},
  "/admin/sites/:id/retention": {},
  "/admin/perf": { listed: { title: "Performance", about: "benchmark trends from CI" } },
  // Redirects to public pages (the login page sends a public visitor to the dashboard).
  "/admin/login": {},
  "/admin/pageviews": {},
  "/admin/bots/excluded": {},
};

/** Whether an anonymous caller of a public instance may read this API route or admin page. */
export function publicRead(route: string): PublicRead | null {
  return Object.hasOwn(PUBLIC_API, route) ? PUBLIC_API[route] : null;
}

export function isPublicPage(route: string): boolean {
  return Object.hasOwn(PUBLIC_ADMIN_PAGES, route);
}
