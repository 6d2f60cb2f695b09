// The overview (GET /api/stats/overview and the admin dashboard): headline figures, top lists,
// web vitals and the daily trend of one site over a range of UTC days.
//
// The figures come from the store's analytics area (lib/store/analytics.ts `overviewPeriod`);
// this file asks for them and shapes them. On SQLite (lib/store/sqlite/overview.ts):
// - no filter: the stored rollups for every day of the range (weeks and months as blocks; the
//   settled days before yesterday from an in-memory cache keyed by their build versions) plus a
//   live delta of today's rows written since today's build, so figures are fresh to the last
//   writer flush. Ranges may reach 730 days back (rollups are kept two years).
// - any filter (path, path_contains, referrer, country, device, utm_*): rollups are per
//   dimension, so a cross-dimension question is answered from raw rows, which exist only within
//   the retention period: the range is clipped to it (`raw_from`) and the cost grows with the
//   site's raw rows in the range.
import type { Config } from "../config.ts";
import { addDays } from "../days.ts";
import type {
  AnalyticsStore,
  OverviewDimensionAsk,
  OverviewPart,
  OverviewPeriodRows,
} from "../store/analytics.ts";
import {
  type DimensionRow,
  PLACE_SEPARATOR,
  type StatsFilters,
  VITAL_METRICS,
  type VitalMetric,
} from "./terms.ts";
import { type Change, type DeltaKey, deltas } from "./change.ts";
import { addTotals, emptyTotals, type Totals } from "./delta.ts";
import {
  type DayRange,
  DEFAULT_DAYS,
  type OverviewQuery,
  previousRange,
  rangeDays,
  utcDay,
} from "./params.ts";
import { summarizeVitals, type WebVitals } from "./vitals.ts";

export type { Change } from "./change.ts";

/** What the stats functions need: the analytics area, the caller's clock and the retention. */
export interface StatsContext {
  analytics: AnalyticsStore;
  now: () => number;
  config: Pick<Config, "retentionDays">;
}

export interface Headline {
  /** Page views (the contract's name). */
  visits: number;
  pageviews: number;
  /** Sum of each day's distinct visitors (ids rotate daily). */
  unique_visitors: number;
  sessions: number;
  /** Sessions with a single page view. */
  bounces: number;
  /** Percentage of sessions that bounced, one decimal. */
  bounce_rate: number;
  pages_per_session: number;
  avg_session_ms: number;
  /** Mean time from page load to the beacon (the tracker's `_v`), over views that sent one. */
  avg_interaction_ms: number;
  /** Mean engaged time of finished page views (`pageview_end`). */
  avg_engagement_ms: number;
  /** Mean maximum scroll depth of finished page views, percent. */
  avg_scroll_pct: number;
  events: number;
  /** Counted visitors whose views carried a valid proof (and trusted input): proven people. */
  verified_visitors: number;
  /** Views with a valid proof but no trusted input (readers who never touched the page), not
   * counted in `visits`; and their visitors. */
  unverified_views: number;
  unverified_visitors: number;
  /** Views excluded as bots (score ≥ 50 for any other reason; see the Bots page), and visitors. */
  excluded_views: number;
  excluded_visitors: number;
}

export interface TrendPoint {
  date: string;
  visits: number;
  visitors: number;
  sessions: number;
  bounces: number;
  events: number;
}

export interface PathRow {
  path: string;
  views: number;
  visitors: number;
}
export interface EntryRow {
  path: string;
  sessions: number;
  bounces: number;
  bounce_rate: number;
}
export interface ExitRow {
  path: string;
  sessions: number;
}

export interface RegionRow {
  country_code: string;
  region: string;
  visits: number;
  visitors: number;
}
export interface CityRow {
  country_code: string;
  region: string | null;
  city: string;
  visits: number;
  visitors: number;
}

/** The parts of a region or city dimension value: country, region, city. */
function placeParts(value: string): string[] {
  return value.split(PLACE_SEPARATOR);
}

export interface OverviewLists {
  top_paths: PathRow[];
  entry_pages: EntryRow[];
  exit_pages: ExitRow[];
  referrers: { referrer_type: string; views: number; visitors: number }[];
  referrer_domains: { domain: string; views: number; visitors: number }[];
  utm_sources: { utm_source: string; views: number; visitors: number }[];
  utm_mediums: { utm_medium: string; views: number; visitors: number }[];
  utm_campaigns: { utm_campaign: string; views: number; visitors: number }[];
  countries: { country_code: string; visits: number; visitors: number }[];
  /** Empty unless the geo database has regions (ECHELON_GEOIP_DB with a city database). */
  regions: RegionRow[];
  /** Empty unless the geo database has cities. */
  cities: CityRow[];
  devices: { device_type: string; visits: number; visitors: number }[];
  os_systems: { os_name: string; views: number; visitors: number }[];
  browsers: { browser: string; views: number; visitors: number }[];
  resolutions: { resolution: string; views: number; visitors: number }[];
  screen_classes: { screen_class: string; views: number; visitors: number }[];
  outbound_links: { url: string; clicks: number; visitors: number }[];
  downloads: { url: string; clicks: number; visitors: number }[];
  events_by_type: { event_type: string; count: number; visitors: number }[];
  custom_events: { event_name: string; count: number; visitors: number }[];
  /** Finished page views by maximum scroll depth, in quarters (0, 25, 50, 75, 100). */
  scroll_depth: { depth: number; pageviews: number }[];
}

export interface Overview extends Headline, OverviewLists {
  site_id: string;
  from: string;
  to: string;
  period_days: number;
  /** The zone of the days: UTC, unless the engine computed the overview in another one
   * (lib/stats/engine_overview.ts). */
  timezone: string;
  filters: StatsFilters;
  source: {
    /** rollup: stored rollups and a live delta; raw: filtered raw rows; engine: the query engine
     * (lib/stats/engine_overview.ts). */
    kind: "rollup" | "raw" | "engine";
    /** Raw rows: the first day they cover (the range is clipped to retention). */
    raw_from?: string;
    /** Rollup: when today's rollup was last built (later rows are added live). */
    today_built_at?: string | null;
    /** Engine: the fields its filter or bot setting does not narrow (computed without them). */
    unfiltered?: string[];
  };
  web_vitals: WebVitals;
  daily_trend: TrendPoint[];
  previous?: Headline & { from: string; to: string; daily_trend: TrendPoint[] };
  deltas?: Record<DeltaKey, Change>;
}

// ---------------------------------------------------------------------------------------------
// One period's rows

/** A period as the shaping below reads it: its days and each dimension's top rows. */
interface Period {
  days: Map<string, Totals>;
  top(dimension: string, limit: number | null): DimensionRow[];
}

/** The dimension rows lists() and vitals() read, recorded by running them over an empty period
 * (so what is asked of the store is declared once, where it is shaped). */
function detailAsks(limit: number | null): OverviewDimensionAsk[] {
  const asks = new Map<string, OverviewDimensionAsk>();
  const recorder: Period = {
    days: new Map(),
    top(dimension, n) {
      asks.set(`${dimension}\0${n}`, { dimension, limit: n });
      return [];
    },
  };
  lists(recorder, limit);
  vitals(recorder);
  return [...asks.values()];
}

/** The store's rows of a period as a Period answering exactly the asks it was given. */
function periodOf(asks: OverviewDimensionAsk[], rows: OverviewPeriodRows): Period {
  const days = new Map<string, Totals>();
  for (const { date, ...totals } of rows.days) days.set(date, totals);
  const byAsk = new Map(
    asks.map((ask, i) => [`${ask.dimension}\0${ask.limit}`, rows.dimensions[i]]),
  );
  return {
    days,
    top(dimension, limit) {
      const found = byAsk.get(`${dimension}\0${limit}`);
      if (!found) throw new Error(`overview: ${dimension} (limit ${limit}) was not asked for`);
      return found;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shaping

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number, digits = 0) => (b > 0 ? round(a / b, digits) : 0);

function sumTotals(days: Iterable<Totals>): Totals {
  const sum = emptyTotals();
  for (const day of days) addTotals(sum, day);
  return sum;
}

export function headline(t: Totals): Headline {
  return {
    visits: t.views,
    pageviews: t.views,
    unique_visitors: t.visitors,
    sessions: t.sessions,
    bounces: t.bounces,
    bounce_rate: ratio(t.bounces * 100, t.sessions, 1),
    pages_per_session: ratio(t.session_views, t.sessions, 2),
    avg_session_ms: ratio(t.session_ms, t.sessions),
    avg_interaction_ms: ratio(t.interaction_ms, t.interaction_n),
    avg_engagement_ms: ratio(t.engaged_ms, t.engaged_n),
    avg_scroll_pct: ratio(t.scroll_pct, t.scroll_n, 1),
    events: t.events,
    verified_visitors: t.verified_visitors,
    unverified_views: t.unverified_views,
    unverified_visitors: t.unverified_visitors,
    excluded_views: t.excluded_views,
    excluded_visitors: t.excluded_visitors,
  };
}

/** Each day of the range with its figures (zero-filled). */
export function trend(range: DayRange, days: Map<string, Totals>): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (let date = range.from; date <= range.to; date = addDays(date, 1)) {
    const t = days.get(date);
    points.push({
      date,
      visits: t?.views ?? 0,
      visitors: t?.visitors ?? 0,
      sessions: t?.sessions ?? 0,
      bounces: t?.bounces ?? 0,
      events: t?.events ?? 0,
    });
  }
  return points;
}

/** The `n` rows with the most `key` (ties by value), those with none left out. */
function topBy(rows: DimensionRow[], key: "views" | "sessions" | "exits", n: number) {
  return rows.filter((r) => r[key] > 0)
    .sort((a, b) => b[key] - a[key] || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, n);
}

function lists(p: Period, limit: number | null): OverviewLists {
  const n = limit ?? 20;
  const top = (dimension: string, fallback = n) => p.top(dimension, limit ?? fallback);
  // One read of the pages answers the three page lists.
  const pages = p.top("path", null);
  const all = (dimension: string) => p.top(dimension, null);
  const views = <K extends string>(key: K, rows: DimensionRow[]) =>
    rows.map((r) => ({
      [key]: r.value,
      views: r.views,
      visitors: r.visitors,
    })) as ({ [P in K]: string } & { views: number; visitors: number })[];
  return {
    top_paths: topBy(pages, "views", n).map((r) => ({
      path: r.value,
      views: r.views,
      visitors: r.visitors,
    })),
    entry_pages: topBy(pages, "sessions", n).map((r) => ({
      path: r.value,
      sessions: r.sessions,
      bounces: r.bounces,
      bounce_rate: ratio(r.bounces * 100, r.sessions, 1),
    })),
    exit_pages: topBy(pages, "exits", n).map((r) => ({ path: r.value, sessions: r.exits })),
    referrers: views("referrer_type", all("referrer_type")),
    referrer_domains: views("domain", top("referrer_domain")),
    utm_sources: views("utm_source", top("utm_source")),
    utm_mediums: views("utm_medium", top("utm_medium")),
    utm_campaigns: views("utm_campaign", top("utm_campaign")),
    countries: top("country", 10).map((r) => ({
      country_code: r.value,
      visits: r.views,
      visitors: r.visitors,
    })),
    regions: top("region", 10).map((r) => {
      const [country, region] = placeParts(r.value);
      return { country_code: country, region, visits: r.views, visitors: r.visitors };
    }),
    cities: top("city", 10).map((r) => {
      const [country, region, city] = placeParts(r.value);
      return {
        country_code: country,
        region: region || null,
        city,
        visits: r.views,
        visitors: r.visitors,
      };
    }),
    devices: all("device").map((r) => ({
      device_type: r.value,
      visits: r.views,
      visitors: r.visitors,
    })),
    os_systems: views("os_name", top("os")),
    browsers: views("browser", top("browser")),
    resolutions: views("resolution", top("resolution")),
    screen_classes: views("screen_class", all("screen_class")),
    outbound_links: top("outbound").map((r) => ({
      url: r.value,
      clicks: r.views,
      visitors: r.visitors,
    })),
    downloads: top("download").map((r) => ({
      url: r.value,
      clicks: r.views,
      visitors: r.visitors,
    })),
    events_by_type: all("event_type").map((r) => ({
      event_type: r.value,
      count: r.views,
      visitors: r.visitors,
    })),
    custom_events: top("event_name").map((r) => ({
      event_name: r.value,
      count: r.views,
      visitors: r.visitors,
    })),
    scroll_depth: all("scroll")
      .map((r) => ({ depth: Number(r.value), pageviews: r.views }))
      .sort((a, b) => a.depth - b.depth),
  };
}

/** Samples per value; rows that name the same value add up (never overwrite each other). */
function sumByValue<K>(rows: DimensionRow[], key: (value: string) => K): Map<K, number> {
  const sums = new Map<K, number>();
  for (const row of rows) sums.set(key(row.value), (sums.get(key(row.value)) ?? 0) + row.views);
  return sums;
}

function vitals(p: Period): WebVitals {
  const histograms = new Map<VitalMetric, Map<number, number>>();
  for (const metric of VITAL_METRICS) {
    const rows = p.top(`vital_${metric.toLowerCase()}`, null);
    histograms.set(metric, sumByValue(rows, Number));
  }
  const ratings = sumByValue(p.top("vital_rating", null), String);
  return summarizeVitals(histograms, ratings);
}

// ---------------------------------------------------------------------------------------------

interface PeriodFigures {
  totals: Totals;
  trend: TrendPoint[];
  lists?: OverviewLists;
  vitals?: WebVitals;
  source: Overview["source"];
}

/** The first UTC day whose raw rows are all still stored (retention purges whole days). */
export function rawCoverageFrom(ctx: StatsContext): string {
  return addDays(utcDay(ctx.now()), -ctx.config.retentionDays);
}

async function periodFigures(
  ctx: StatsContext,
  q: { siteId: string; filters: StatsFilters; limit: number | null } & DayRange,
  detail: boolean,
  part?: OverviewPart,
): Promise<PeriodFigures> {
  const range = { from: q.from, to: q.to };
  const asks = detail ? detailAsks(q.limit) : [];
  const rows = await ctx.analytics.overviewPeriod({
    siteId: q.siteId,
    ...range,
    filters: q.filters,
    today: utcDay(ctx.now()),
    rawFrom: rawCoverageFrom(ctx),
    dimensions: asks,
    ...(part ? { part } : {}),
  });
  const p = periodOf(asks, rows);
  return {
    totals: sumTotals(p.days.values()),
    trend: trend(range, p.days),
    lists: detail ? lists(p, q.limit) : undefined,
    vitals: detail ? vitals(p) : undefined,
    source: rows.source,
  };
}

/**
 * The overview of `q` (validated by `parseOverviewQuery`). With `part`, a filtered overview's raw
 * rows give only those figures (lib/store/analytics.ts `OverviewPart`): the others are zero or
 * empty.
 */
export async function statsOverview(
  ctx: StatsContext,
  q: OverviewQuery,
  part?: OverviewPart,
): Promise<Overview> {
  const current = await periodFigures(ctx, q, true, part);
  const now = headline(current.totals);
  const overview: Overview = {
    site_id: q.siteId,
    from: q.from,
    to: q.to,
    period_days: rangeDays(q),
    timezone: "UTC",
    filters: q.filters,
    source: current.source,
    ...now,
    ...current.lists!,
    web_vitals: current.vitals!,
    daily_trend: current.trend,
  };
  if (q.compare) {
    const range = previousRange(q);
    const totalsOnly = part && { ...part, dimensions: [] };
    const previous = await periodFigures(ctx, { ...q, ...range }, false, totalsOnly);
    const before = headline(previous.totals);
    overview.previous = { ...range, ...before, daily_trend: previous.trend };
    overview.deltas = deltas(now, before);
  }
  return overview;
}

/** The default overview query for a site: the last 30 UTC days, no filter. */
export function defaultOverviewQuery(siteId: string, now: number): OverviewQuery {
  const today = utcDay(now);
  return {
    siteId,
    from: addDays(today, -(DEFAULT_DAYS - 1)),
    to: today,
    filters: {},
    compare: false,
    limit: null,
  };
}
