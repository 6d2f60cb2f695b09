// Runs a Query (lib/query/model.ts) as a named sequence, like Plausible's query runner: plan (the
// UTC bounds and families of aggregates) → execute (the store's analytics area,
// lib/store/analytics.ts `aggregates`; on SQLite lib/db/query/) → merge the families → shape
// (metric values, order, pagination) → compare (the same query over the comparison range).
// The answer has Plausible's Stats API v2 shape: `{results: [{metrics, dimensions}], meta, query}`.
import type { AggregateGroup, AggregateQuery, AnalyticsStore } from "../store/analytics.ts";
import { dimensionFor, type TimeUnit } from "./dimensions.ts";
import {
  AGGREGATES,
  type Aggregates,
  emptyAggregates,
  type Family,
  metricFor,
  type MetricSpec,
  NEEDS_TOTALS,
} from "./metrics.ts";
import { type Filter, isCondition, type Query } from "./model.ts";
import { GOAL_DIMENSION, withoutGoalConditions } from "./goals.ts";
import {
  addLocalDays,
  addMonths,
  localDate,
  localDayStart,
  offsetMinutes,
  offsetSpans,
} from "./time_zone.ts";

/** What a query runs with: the analytics area's engine queries (a read's context has them). */
export interface QueryContext {
  analytics: Pick<
    AnalyticsStore,
    "aggregates" | "aggregatesBatch" | "firstViewAt" | "funnel" | "cohorts"
  >;
  now: () => number;
}

export interface ResultRow {
  dimensions: string[];
  metrics: (number | null)[];
  comparison?: { dimensions: string[]; metrics: (number | null)[]; change: (number | null)[] };
}

export interface QueryResult {
  results: ResultRow[];
  meta: { time_labels?: string[]; total_rows?: number };
  query: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

export interface Range {
  from: string;
  to: string;
}

/** The rows of one range, before ordering: dimension values with their aggregates. */
interface Grouped {
  rows: { dimensions: string[]; aggregates: Aggregates }[];
  totals: Aggregates;
}

export async function runQuery(ctx: QueryContext, q: Query): Promise<QueryResult> {
  const range = await resolveRange(ctx, q);
  const metrics = q.metrics.map((key) => metricFor(key)!);
  const current = await execute(ctx, q, range, metrics);
  let rows = order(q, metrics, current);
  const total = rows.length;
  rows = rows.slice(q.offset, q.offset + q.limit);
  const compared = q.include.comparison ? comparisonRange(q, range) : null;
  if (compared) await compare(ctx, q, metrics, range, compared, rows);
  const meta: QueryResult["meta"] = {};
  const timeKey = q.dimensions.find((k) => k.startsWith("time:"));
  if (q.include.timeLabels && timeKey) {
    meta.time_labels = timeLabels(q.timeZone, range, dimensionUnit(timeKey));
  }
  if (q.include.totalRows) meta.total_rows = total;
  return { results: rows, meta, query: echo(q, range) };
}

/**
 * The zone of a query whose body names none: its sites' time zone (lib/db/sites.ts, absent means
 * UTC) when they all share one; sites in different zones have no common local day, so UTC.
 */
export function defaultTimeZone(siteIds: readonly string[], zones: Map<string, string>): string {
  const distinct = new Set(siteIds.map((id) => zones.get(id) ?? "UTC"));
  return distinct.size === 1 ? [...distinct][0] : "UTC";
}

/**
 * The aggregates of `q` (lib/query/metrics.ts AGGREGATES) per combination of its dimensions'
 * values, before metrics, order and pagination: what a report that shows sums and rounds its own
 * way (the overview, lib/stats/engine_overview.ts) reads. `q.metrics` says which families run.
 */
export async function runAggregates(
  ctx: QueryContext,
  q: Query,
): Promise<{ dimensions: string[]; aggregates: Aggregates }[]> {
  const metrics = q.metrics.map((key) => metricFor(key)!);
  return (await execute(ctx, q, await resolveRange(ctx, q), metrics)).rows;
}

/**
 * runAggregates for several queries over the same sites, range, zone and bot setting (they differ
 * in dimensions, filter and metrics): one statement reads the rows once for all of them
 * (the store's `aggregatesBatch`; on SQLite lib/db/query/compile.ts compileBatch). The answers are
 * runAggregates' for each query, in order.
 */
export async function runAggregatesBatch(
  ctx: QueryContext,
  queries: readonly Query[],
): Promise<{ dimensions: string[]; aggregates: Aggregates }[][]> {
  if (queries.length === 0) return [];
  const [first] = queries;
  const shared = JSON.stringify([first.siteIds, first.timeZone, first.range, first.bots]);
  for (const q of queries) {
    if (JSON.stringify([q.siteIds, q.timeZone, q.range, q.bots]) !== shared) {
      throw new Error("runAggregatesBatch: the queries differ in sites, zone, range or bots");
    }
  }
  const range = await resolveRange(ctx, first);
  const members = queries.map((q) => ({
    dimensions: q.dimensions,
    filter: q.filter,
    families: familiesOf(q.metrics.map((key) => metricFor(key)!)),
  }));
  return (await ctx.analytics.aggregatesBatch(request(first, range, []), members)).map(merge);
}

// ---------------------------------------------------------------------------------------------
// Plan

/** The query's local days, "all" from its sites' first stored view. */
export async function resolveRange(
  ctx: { analytics: Pick<AnalyticsStore, "firstViewAt"> },
  q: Query,
): Promise<Range> {
  if (q.range.from !== null) return { from: q.range.from, to: q.range.to };
  const first = await ctx.analytics.firstViewAt(q.siteIds);
  return { from: first ? localDate(q.timeZone, Date.parse(first)) : q.range.to, to: q.range.to };
}

function comparisonRange(q: Query, range: Range): Range | null {
  const c = q.include.comparison;
  if (!c) return null;
  if (c.mode === "custom") return { from: c.from, to: c.to };
  const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;
  return { from: addLocalDays(range.from, -days), to: addLocalDays(range.from, -1) };
}

/** The store's request for `q` over `range` (local days) by `dimensions`. */
export function request(
  q: Query,
  range: Range,
  dimensions: string[],
  filter: Filter | null = q.filter,
): AggregateQuery {
  const fromMs = localDayStart(q.timeZone, range.from);
  const toMs = localDayStart(q.timeZone, addLocalDays(range.to, 1));
  return {
    siteIds: q.siteIds,
    fromMs,
    toMs,
    spans: offsetSpans(q.timeZone, fromMs - DAY_MS, toMs + DAY_MS),
    dimensions,
    filter,
    bots: q.bots,
  };
}

/** The families the engine computes for the metrics (not the runner's "base"). */
function familiesOf(metrics: MetricSpec[]): Family[] {
  const all = new Set(metrics.flatMap((m) => m.inputs.map((a) => AGGREGATES[a])));
  all.delete("base");
  return [...all];
}

// ---------------------------------------------------------------------------------------------
// Execute and merge

async function execute(
  ctx: QueryContext,
  q: Query,
  range: Range,
  metrics: MetricSpec[],
): Promise<Grouped> {
  const { analytics } = ctx;
  const families = familiesOf(metrics);
  const grouped = merge(await analytics.aggregates(request(q, range, q.dimensions), families));
  if (metrics.some((m) => m.inputs.includes("base_visitors"))) {
    await addBaseVisitors(ctx, q, range, grouped);
  }
  const needsTotals = metrics.some((m) => NEEDS_TOTALS.has(m.key));
  const totals = needsTotals
    ? merge(await analytics.aggregates(request(q, range, []), ["views"]))[0]?.aggregates ??
      emptyAggregates()
    : emptyAggregates();
  return { rows: grouped, totals };
}

/**
 * A conversion rate's denominator for each row: the visitors of the query by its other dimensions
 * (not the goal) and its filter without the top-level goal conditions — those who could have
 * converted (Plausible's conversion_rate).
 */
async function addBaseVisitors(
  ctx: QueryContext,
  q: Query,
  range: Range,
  rows: { dimensions: string[]; aggregates: Aggregates }[],
) {
  const kept = q.dimensions.map((k, i) => [k, i] as const).filter(([k]) => k !== GOAL_DIMENSION);
  const base = merge(
    await ctx.analytics.aggregates(
      request(q, range, kept.map(([k]) => k), withoutGoalConditions(q.filter)),
      ["views"],
    ),
  );
  const visitors = new Map(base.map((b) => [JSON.stringify(b.dimensions), b.aggregates.visitors]));
  for (const row of rows) {
    const key = JSON.stringify(kept.map(([, i]) => row.dimensions[i]));
    row.aggregates.base_visitors = visitors.get(key) ?? 0;
  }
}

function merge(byFamily: Map<Family, AggregateGroup[]>) {
  const merged = new Map<string, { dimensions: string[]; aggregates: Aggregates }>();
  for (const rows of byFamily.values()) {
    for (const row of rows) {
      const key = JSON.stringify(row.dimensions);
      let into = merged.get(key);
      if (!into) {
        merged.set(key, into = { dimensions: row.dimensions, aggregates: emptyAggregates() });
      }
      Object.assign(into.aggregates, row.values);
    }
  }
  return [...merged.values()];
}

// ---------------------------------------------------------------------------------------------
// Shape

function order(q: Query, metrics: MetricSpec[], g: Grouped): ResultRow[] {
  const rows = g.rows.map((row) => ({
    dimensions: row.dimensions,
    metrics: metrics.map((m) => m.value(row.aggregates, g.totals)),
  }));
  const column = (key: string) => {
    const m = q.metrics.indexOf(key);
    return m >= 0
      ? (r: ResultRow) => r.metrics[m] ?? -Infinity
      : (r: ResultRow) => r.dimensions[q.dimensions.indexOf(key)];
  };
  // Plausible's default: time ascending, else the first metric descending; then every dimension.
  const keys = q.orderBy.length ? q.orderBy : [
    ...q.dimensions.filter((k) => k.startsWith("time:")).map((key) => ({
      key,
      direction: "asc" as const,
    })),
    { key: q.metrics[0], direction: "desc" as const },
  ];
  const sorts = [
    ...keys.map((k) => ({ get: column(k.key), sign: k.direction === "asc" ? 1 : -1 })),
    ...q.dimensions.map((key) => ({ get: column(key), sign: 1 })),
  ];
  return rows.sort((a, b) => {
    for (const { get, sign } of sorts) {
      const x = get(a), y = get(b);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  });
}

function dimensionUnit(key: string): TimeUnit {
  const spec = dimensionFor(key)!;
  return spec.from.kind === "time" ? spec.from.unit : "day";
}

/** Every time bucket of the range, in order (also for buckets without data). */
export function timeLabels(zone: string, range: Range, unit: TimeUnit): string[] {
  const labels: string[] = [];
  if (unit === "day") {
    for (let d = range.from; d <= range.to; d = addLocalDays(d, 1)) labels.push(d);
  } else if (unit === "week") {
    const monday = addLocalDays(range.from, -((new Date(range.from).getUTCDay() + 6) % 7));
    for (let d = monday; d <= range.to; d = addLocalDays(d, 7)) labels.push(d);
  } else if (unit === "month") {
    for (let d = `${range.from.slice(0, 7)}-01`; d <= range.to; d = addMonths(d, 1)) labels.push(d);
  } else {
    const step = unit === "minute" ? 60_000 : 3_600_000;
    const end = localDayStart(zone, addLocalDays(range.to, 1));
    for (let t = localDayStart(zone, range.from); t < end; t += step) {
      const local = new Date(t + offsetMinutes(zone, t) * 60_000).toISOString();
      const label = unit === "minute"
        ? `${local.slice(0, 10)} ${local.slice(11, 16)}:00`
        : `${local.slice(0, 10)} ${local.slice(11, 13)}:00:00`;
      if (labels[labels.length - 1] !== label) labels.push(label);
    }
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------
// Compare

async function compare(
  ctx: QueryContext,
  q: Query,
  metrics: MetricSpec[],
  range: Range,
  other: Range,
  rows: ResultRow[],
) {
  const previous = order(q, metrics, await execute(ctx, q, other, metrics));
  // Time buckets are matched by position (the 3rd day with the 3rd day before), others by value.
  const positions = q.dimensions.map((key) => {
    if (!key.startsWith("time:")) return null;
    const unit = dimensionUnit(key);
    return { now: timeLabels(q.timeZone, range, unit), then: timeLabels(q.timeZone, other, unit) };
  });
  const keyOf = (dims: string[], side: "now" | "then") =>
    JSON.stringify(dims.map((v, i) => positions[i] ? positions[i]![side].indexOf(v) : v));
  const byKey = new Map(previous.map((row) => [keyOf(row.dimensions, "then"), row]));
  for (const row of rows) {
    const match = byKey.get(keyOf(row.dimensions, "now"));
    const dimensions = match?.dimensions ?? row.dimensions.map((v, i) => {
      const p = positions[i];
      return p ? p.then[p.now.indexOf(v)] ?? v : v;
    });
    const values = match?.metrics ??
      metrics.map((m) => m.value(emptyAggregates(), emptyAggregates()));
    row.comparison = {
      dimensions,
      metrics: values,
      change: metrics.map((m, i) => change(m, row.metrics[i], values[i])),
    };
  }
}

function change(m: MetricSpec, now: number | null, then: number | null): number | null {
  if (now === null || then === null) return null;
  if (m.change === "difference") return Math.round((now - then) * 10) / 10;
  if (then === 0) return now === 0 ? 0 : null;
  return Math.round(((now - then) / then) * 100);
}

// ---------------------------------------------------------------------------------------------
// The query as understood, in the request's own terms

function filterJson(f: Filter): unknown[] {
  if (isCondition(f)) return [f.op, f.dimension, f.values];
  return "filters" in f ? [f.op, f.filters.map(filterJson)] : ["not", filterJson(f.filter)];
}

function isoAt(zone: string, ms: number): string {
  const offset = offsetMinutes(zone, ms);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  return `${local}${sign}${hh}:${String(abs % 60).padStart(2, "0")}`;
}

/** The query as understood, in the request's terms (the answers' `query`). */
export function echo(q: Query, range: Range): Record<string, unknown> {
  const fromMs = localDayStart(q.timeZone, range.from);
  const toMs = localDayStart(q.timeZone, addLocalDays(range.to, 1)) - 1000;
  const include: Record<string, unknown> = {
    total_rows: q.include.totalRows,
    time_labels: q.include.timeLabels,
  };
  const c = q.include.comparison;
  if (c) {
    include.comparisons = c.mode === "custom" ? { mode: c.mode, date_range: [c.from, c.to] } : c;
  }
  return {
    site_id: q.siteIds.length === 1 ? q.siteIds[0] : q.siteIds,
    metrics: q.metrics,
    date_range: [isoAt(q.timeZone, fromMs), isoAt(q.timeZone, toMs)],
    dimensions: q.dimensions,
    filters: q.filter ? [filterJson(q.filter)] : [],
    order_by: q.orderBy.map((o) => [o.key, o.direction]),
    include,
    pagination: { limit: q.limit, offset: q.offset },
    timezone: q.timeZone,
    bots: q.bots.mode,
    bot_threshold: q.bots.threshold,
  };
}
