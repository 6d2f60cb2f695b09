// The overview (lib/stats/overview.ts's `Overview`, field for field) computed by the query engine
// (lib/query/run.ts) over raw rows: the headline, the daily trend and each list the engine has a
// dimension for, one engine query each, under any engine filter (lib/query/model.ts `Filter`) and
// bot setting. The overview's own filters (`path`, `country`…) become engine conditions ANDed with
// the view's filter.
//
// What the engine cannot produce yet (LEGACY_FIELDS: the interaction time, the proof-of-work and
// bot counts, regions, cities, resolutions, outbound links, downloads, events by type, custom
// events, scroll depth, web vitals) comes from the rollup path (statsOverview: on raw rows only
// the part that computes them, LEGACY_PART, without sessions or the engine's lists), under the
// overview's filters and the view's where they can be written as those (`legacyFilters`); where
// they cannot (an `or`, a `not`, another dimension, a bot setting), those fields are not narrowed
// and `source.unfiltered` names them.
import {
  type DimensionSpec,
  OVERVIEW_DIMENSIONS,
  type OverviewListSpec,
} from "../query/dimensions.ts";
import type { Aggregates } from "../query/metrics.ts";
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import { type BotMode, type Filter, isCondition, MAX_LIMIT, type Query } from "../query/model.ts";
import { runAggregatesBatch } from "../query/run.ts";
import type { OverviewPart } from "../store/analytics.ts";
import { type StatsFilters, VITAL_METRICS } from "./terms.ts";
import { deltas } from "./change.ts";
import { emptyTotals, type Totals } from "./delta.ts";
import {
  type Headline,
  headline,
  type Overview,
  type OverviewLists,
  rawCoverageFrom,
  type StatsContext,
  statsOverview,
  trend,
  type TrendPoint,
} from "./overview.ts";
import { type DayRange, type OverviewQuery, previousRange, rangeDays } from "./params.ts";

/** How the engine looks at the rows: an engine filter and the bot setting. */
export interface OverviewView {
  filter: Filter | null;
  bots: { mode: BotMode; threshold: number };
}

/** The overview's own filters as engine conditions (`direct`, `unknown`: rows without one). */
const LEGACY_FILTERS: Record<keyof StatsFilters, (value: string) => Filter> = {
  path: (v) => ({ op: "is", dimension: "event:page", values: [v] }),
  path_contains: (v) => ({ op: "contains", dimension: "event:page", values: [v] }),
  referrer: (v) => ({
    op: "is",
    dimension: "visit:referrer_domain",
    values: [v === "direct" ? "(none)" : v],
  }),
  country: (v) => ({ op: "is", dimension: "visit:country", values: [v] }),
  device: (v) => ({ op: "is", dimension: "visit:device", values: [v] }),
  utm_source: (v) => ({ op: "is", dimension: "visit:utm_source", values: [v] }),
  utm_medium: (v) => ({ op: "is", dimension: "visit:utm_medium", values: [v] }),
  utm_campaign: (v) => ({ op: "is", dimension: "visit:utm_campaign", values: [v] }),
};

/** The overview's filters translated and ANDed with `extra`; null when there is none. */
export function engineFilter(filters: StatsFilters, extra: Filter | null): Filter | null {
  const all: Filter[] = [];
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined) all.push(LEGACY_FILTERS[name as keyof StatsFilters](value));
  }
  if (extra) all.push(extra);
  return all.length === 0 ? null : all.length === 1 ? all[0] : { op: "and", filters: all };
}

/** Each legacy filter by the engine dimension its `is` condition names. */
const LEGACY_BY_DIMENSION: Record<string, keyof StatsFilters> = {
  "event:page": "path",
  "visit:referrer_domain": "referrer",
  "visit:country": "country",
  "visit:device": "device",
  "visit:utm_source": "utm_source",
  "visit:utm_medium": "utm_medium",
  "visit:utm_campaign": "utm_campaign",
};

/**
 * The overview's filters with the view's added where the rollup path can apply them (an AND of
 * one-value `is` conditions on its dimensions, `contains` on the page; bots hidden at the default
 * threshold), for the figures the engine does not compute; null when it cannot.
 */
export function legacyFilters(filters: StatsFilters, view: OverviewView): StatsFilters | null {
  if (view.bots.mode !== "hide" || view.bots.threshold !== BOT_SCORE_THRESHOLD) return null;
  const out: StatsFilters = { ...filters };
  const add = (f: Filter): boolean => {
    if (!isCondition(f)) return f.op === "and" && f.filters.every(add);
    if (f.values.length !== 1) return false;
    const name = f.op === "is"
      ? LEGACY_BY_DIMENSION[f.dimension]
      : f.op === "contains" && f.dimension === "event:page"
      ? "path_contains"
      : undefined;
    if (name === undefined || out[name] !== undefined) return false;
    out[name] = name === "referrer" && f.values[0] === "(none)" ? "direct" : f.values[0];
    return true;
  };
  return view.filter === null || add(view.filter) ? out : null;
}

/** The fields the engine does not compute yet (from statsOverview). */
export const LEGACY_FIELDS = [
  "avg_interaction_ms",
  "verified_visitors",
  "unverified_views",
  "unverified_visitors",
  "excluded_views",
  "excluded_visitors",
  "regions",
  "cities",
  "resolutions",
  "outbound_links",
  "downloads",
  "events_by_type",
  "custom_events",
  "scroll_depth",
  "web_vitals",
] as const satisfies readonly (keyof Overview)[];

/**
 * What statsOverview computes for LEGACY_FIELDS on raw rows: their rollup dimensions
 * (lib/db/stats_source.ts) and the view and uncounted totals, without sessions or the lists the
 * engine computes itself.
 */
export const LEGACY_PART: OverviewPart = {
  dimensions: [
    "region",
    "city",
    "resolution",
    "outbound",
    "download",
    "event_type",
    "event_name",
    "scroll",
    ...VITAL_METRICS.map((m) => `vital_${m.toLowerCase()}`),
    "vital_rating",
  ],
  sessions: false,
};

type Row = { value: string; a: Aggregates };

/** One engine query of the overview: `dimension` (or none), the families of `metrics`, `also`
 * ANDed with the filter; `shape` makes its part of the overview from the rows. */
interface Ask<T> {
  dimension: string | null;
  metrics: string[];
  also?: Filter;
  shape: (rows: Row[]) => T;
}

/** Runs the asks over `range` in one batch (lib/query/run.ts runAggregatesBatch): each one's part,
 * in order. */
type Runner = <T extends unknown[]>(
  range: DayRange,
  asks: { [K in keyof T]: Ask<T[K]> },
) => Promise<T>;

/** The engine query of one ask over `range` (from `from`), under `base` ANDed with its `also`. */
function queryOf(
  ask: Ask<unknown>,
  siteId: string,
  timeZone: string,
  range: DayRange,
  base: Filter | null,
  bots: OverviewView["bots"],
): Query {
  return {
    siteIds: [siteId],
    timeZone,
    range: { from: range.from, to: range.to },
    metrics: ask.metrics,
    dimensions: ask.dimension ? [ask.dimension] : [],
    filter: ask.also ? (base ? { op: "and", filters: [base, ask.also] } : ask.also) : base,
    orderBy: [],
    limit: MAX_LIMIT,
    offset: 0,
    include: { totalRows: false, timeLabels: false, comparison: null },
    bots,
  };
}

function runner(
  ctx: StatsContext,
  q: OverviewQuery,
  view: OverviewView,
  timeZone: string,
): Runner {
  const base = engineFilter(q.filters, view.filter);
  // Raw rows exist only within retention: days before it count nothing (as the raw overview).
  const rawFrom = rawCoverageFrom(ctx);
  return async <T extends unknown[]>(
    range: DayRange,
    asks: { [K in keyof T]: Ask<T[K]> },
  ): Promise<T> => {
    const from = range.from > rawFrom ? range.from : rawFrom;
    const list = asks as readonly Ask<unknown>[];
    const queries = list.map((ask) =>
      queryOf(ask, q.siteId, timeZone, { from, to: range.to }, base, view.bots)
    );
    const answers = from > range.to ? list.map(() => []) : await runAggregatesBatch(ctx, queries);
    return list.map((ask, i) =>
      ask.shape(answers[i].map((r) => ({ value: r.dimensions[0], a: r.aggregates })))
    ) as T;
  };
}

/** Rows with some `count`, most first, ties by value; at most `n` (null: all). */
function top(rows: Row[], count: (a: Aggregates) => number, n: number | null): Row[] {
  const sorted = rows.filter((r) => count(r.a) > 0)
    .sort((x, y) =>
      count(y.a) - count(x.a) || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0)
    );
  return n === null ? sorted : sorted.slice(0, n);
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (a: number, b: number, digits = 0) => (b > 0 ? round(a / b, digits) : 0);

/** The engine's sums as rollup totals (those it does not compute stay 0). */
function totalsOf(a: Aggregates | undefined): Totals {
  return Object.assign(
    emptyTotals(),
    a && {
      views: a.pageviews,
      visitors: a.visitors,
      sessions: a.visits,
      bounces: a.bounces,
      session_views: a.session_views,
      session_ms: a.duration_ms,
      events: a.events,
      engaged_ms: a.engaged_ms,
      engaged_n: a.engaged_n,
      scroll_pct: a.scroll_sum,
      scroll_n: a.scroll_n,
    },
  );
}

/** Headline figures the engine does not compute, taken from the rollup path's. */
export const LEGACY_HEADLINE = LEGACY_FIELDS.slice(0, 6) as readonly (keyof Headline & string)[];

const PERIOD_METRICS = ["pageviews", "visits", "events"];

function headlineAsk(legacy: Headline): Ask<Headline> {
  return {
    dimension: null,
    metrics: PERIOD_METRICS,
    shape: ([totals]) => {
      const h = headline(totalsOf(totals?.a));
      for (const key of LEGACY_HEADLINE) h[key] = legacy[key];
      return h;
    },
  };
}

function trendAsk(range: DayRange): Ask<TrendPoint[]> {
  return {
    dimension: "time:day",
    metrics: PERIOD_METRICS,
    shape: (rows) => trend(range, new Map(rows.map((r) => [r.value, totalsOf(r.a)]))),
  };
}

/** One overview list (lib/query/dimensions.ts `OverviewListSpec`) of `dimension`. */
function listAsk(
  dimension: DimensionSpec & { overview: OverviewListSpec },
  limit: number | null,
): Ask<Record<string, unknown>[]> {
  const list = dimension.overview;
  const n = list.length === "all" ? null : limit ?? (list.length === "top" ? 20 : list.length);
  const exclude: Filter | undefined = list.exclude && { op: "is_not", ...list.exclude };
  const sessions = list.rows === "entries" || list.rows === "exits";
  const field = list.field;
  const shape = (all: Row[]) => {
    const rows = all.filter((r) => !list.skipEmpty || r.value !== dimension.empty);
    switch (list.rows) {
      case "entries":
        return top(rows, visits, n).map((r) => ({
          [field]: r.value,
          sessions: r.a.visits,
          bounces: r.a.bounces,
          bounce_rate: ratio(r.a.bounces * 100, r.a.visits, 1),
        }));
      case "exits":
        return top(rows, visits, n).map((r) => ({ [field]: r.value, sessions: r.a.visits }));
      default:
        return top(rows, views, n).map((r) => ({
          [field]: r.value,
          [list.rows]: r.a.pageviews,
          visitors: r.a.visitors,
        }));
    }
  };
  return {
    dimension: dimension.key,
    metrics: [sessions ? "visits" : "pageviews"],
    also: exclude,
    shape,
  };
}

const views = (a: Aggregates) => a.pageviews;
const visits = (a: Aggregates) => a.visits;

/** The asks of the dashboard's period in one batch: the headline, the trend, every list. */
function dashboardAsks(
  legacy: Headline,
  range: DayRange,
  limit: number | null,
): [Ask<Headline>, Ask<TrendPoint[]>, ...Ask<Record<string, unknown>[]>[]] {
  return [
    headlineAsk(legacy),
    trendAsk(range),
    ...OVERVIEW_DIMENSIONS.map((d) => listAsk(d, limit)),
  ];
}

/** The engine queries engineOverview asks for the dashboard of `range` in one batch (the headline,
 * the trend, every list) under `filter`: what bench/query_bench.ts times. */
export function dashboardQueries(
  siteId: string,
  range: DayRange,
  filter: Filter | null,
  bots: OverviewView["bots"],
  timeZone = "UTC",
): Query[] {
  const asks: Ask<unknown>[] = dashboardAsks(headline(emptyTotals()), range, null);
  return asks.map((ask) => queryOf(ask, siteId, timeZone, range, filter, bots));
}

/**
 * The overview of `q` by the engine, under `view` (an engine filter, the bot setting); days are
 * local to `timeZone` (default UTC).
 */
export async function engineOverview(
  ctx: StatsContext,
  q: OverviewQuery,
  view: OverviewView,
  timeZone = "UTC",
): Promise<Overview> {
  const narrowed = legacyFilters(q.filters, view);
  const legacy = await statsOverview(ctx, { ...q, filters: narrowed ?? q.filters }, LEGACY_PART);
  const run = runner(ctx, q, view, timeZone);
  const range = { from: q.from, to: q.to };
  const [now, trendNow, ...lists] = await run(range, dashboardAsks(legacy, range, q.limit));
  const overview: Overview = {
    ...legacy,
    period_days: rangeDays(q),
    timezone: timeZone,
    filters: q.filters,
    source: {
      kind: "engine",
      raw_from: rawCoverageFrom(ctx),
      ...(narrowed ? {} : { unfiltered: [...LEGACY_FIELDS] }),
    },
    ...now,
    ...(Object.fromEntries(
      OVERVIEW_DIMENSIONS.map((d, i) => [d.overview.key, lists[i]]),
    ) as Partial<OverviewLists>),
    daily_trend: trendNow,
  };
  delete overview.previous;
  delete overview.deltas;
  if (q.compare && legacy.previous) {
    const before = previousRange(q);
    const [then, trendThen] = await run(before, [headlineAsk(legacy.previous), trendAsk(before)]);
    overview.previous = { ...before, ...then, daily_trend: trendThen };
    overview.deltas = deltas(now, then);
  }
  return overview;
}
