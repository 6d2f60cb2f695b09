// The overview's figures on SQLite (lib/store/analytics.ts `overviewPeriod`): without filters,
// the stored rollups of every day of the range (weeks and months as blocks; the settled days
// before yesterday from an in-memory cache keyed by their build versions) plus a live delta of
// today's rows written since today's build; with any filter, the range's raw rows aggregated into
// the request's scratch tables, clipped to retention (`rawFrom`).
import type { Database } from "../../db/database.ts";
import { daysOnly, planRange, type RangePlan } from "../../db/rollup_blocks.ts";
import {
  addDays,
  aggregationSteps,
  materializeRange,
  ROLLUP_TABLES,
  type RollupTargets,
} from "../../db/rollups.ts";
import { dailyTotals, type DimensionRow, dimensionTop, dimensionValues } from "../../db/stats.ts";
import { type DayDelta, dayDelta } from "../../db/stats_delta.ts";
import {
  clearScratch,
  REQUEST_SCRATCH,
  resetScratch,
  type StatsFilters,
  viewFilter,
} from "../../db/stats_source.ts";
import type { SettledRangeCache } from "../../stats/settled_cache.ts";
import { addTotals, emptyTotals, type Totals } from "../../stats/delta.ts";
import type { DayTotals } from "../../stats/terms.ts";
import type { OverviewPeriodQuery, OverviewPeriodRows } from "../analytics.ts";

interface Period {
  days: Map<string, Totals>;
  top(dimension: string, limit: number | null): DimensionRow[];
}

function byViews(a: DimensionRow, b: DimensionRow): number {
  return b.views - a.views || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

/** Adds rows of the same dimension up by value. */
function mergeRows(...lists: Iterable<DimensionRow>[]): Map<string, DimensionRow> {
  const merged = new Map<string, DimensionRow>();
  for (const list of lists) {
    for (const row of list) {
      const into = merged.get(row.value);
      if (!into) merged.set(row.value, { ...row });
      else {
        into.views += row.views;
        into.visitors += row.visitors;
        into.sessions += row.sessions;
        into.bounces += row.bounces;
        into.exits += row.exits;
      }
    }
  }
  return merged;
}

function ranked(merged: Map<string, DimensionRow>, limit: number | null): DimensionRow[] {
  const rows = [...merged.values()]
    .filter((row) => row.views > 0 || row.sessions > 0 || row.exits > 0)
    .sort(byViews);
  return limit === null ? rows : rows.slice(0, limit);
}

interface Settled {
  cache: SettledRangeCache;
  /** Days before this one are settled (cacheable); it and later days are read every time. */
  before: string;
}

function tableReader(
  db: Database,
  t: RollupTargets,
  siteId: string,
  range: { from: string; to: string; plan: RangePlan },
  delta: DayDelta | null,
  settled?: Settled,
): Period {
  const days = new Map<string, Totals>();
  for (const { date, ...totals } of dailyTotals(db, t, { siteId, ...range })) {
    days.set(date, totals);
  }
  if (delta) days.set(delta.day, addTotals(days.get(delta.day) ?? emptyTotals(), delta.totals));
  const plan = range.plan;
  const live = (dimension: string) => delta?.dimensions.get(dimension)?.values() ?? [];

  if (settled && plan.versions) {
    // Settled units from the cache (keyed by their build versions), fresh days read again.
    const versions = plan.versions;
    const old: RangePlan = {
      days: plan.days.filter((d) => d < settled.before),
      blocks: plan.blocks,
    };
    const fresh: RangePlan = { days: plan.days.filter((d) => d >= settled.before), blocks: [] };
    const key = [siteId, ...old.blocks, ...old.days].map((u) => `${u}:${versions[u] ?? 0}`)
      .join(",");
    const read = (p: RangePlan, dimension: string) =>
      p.days.length + p.blocks.length
        ? dimensionTop(db, t, { siteId, dimension, plan: p, limit: null })
        : [];
    return {
      days,
      top: (dimension, limit) =>
        ranked(
          mergeRows(
            settled.cache.rows(key, dimension, () => read(old, dimension)),
            read(fresh, dimension),
            live(dimension),
          ),
          limit,
        ),
    };
  }

  return {
    days,
    top(dimension, limit) {
      const q = { siteId, dimension, plan };
      const stored = dimensionTop(db, t, { ...q, limit });
      const changes = delta?.dimensions.get(dimension);
      if (!changes?.size) return stored;
      // A value can only enter the top list if it is in the stored top list or in the delta, so
      // the stored figures of the delta's other values are enough to merge exactly.
      const known = new Set(stored.map((row) => row.value));
      const missing = [...changes.keys()].filter((value) => !known.has(value));
      return ranked(
        mergeRows(stored, dimensionValues(db, t, { ...q, values: missing }), changes.values()),
        limit,
      );
    },
  };
}

function hasFilters(filters: StatsFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined);
}

/** The period's figures as plain rows: its days and each asked dimension's rows. */
function rowsOf(p: Period, q: OverviewPeriodQuery): Omit<OverviewPeriodRows, "source"> {
  const days: DayTotals[] = [...p.days].map(([date, totals]) => ({ date, ...totals }));
  return { days, dimensions: q.dimensions.map((ask) => p.top(ask.dimension, ask.limit)) };
}

/** One period of the overview (`statsCache`: the settled rollup figures kept between calls). */
export function overviewPeriod(
  db: Database,
  q: OverviewPeriodQuery,
  statsCache?: SettledRangeCache,
): OverviewPeriodRows {
  const range = { from: q.from, to: q.to };
  if (!hasFilters(q.filters)) {
    const delta = q.from <= q.today && q.to >= q.today ? dayDelta(db, q.siteId, q.today) : null;
    const plan = planRange(db, q.from, q.to);
    const settled = statsCache ? { cache: statsCache, before: addDays(q.today, -1) } : undefined;
    const reader = tableReader(db, ROLLUP_TABLES, q.siteId, { ...range, plan }, delta, settled);
    return {
      ...rowsOf(reader, q),
      source: { kind: "rollup", today_built_at: delta ? delta.builtAt : undefined },
    };
  }

  const from = q.from > q.rawFrom ? q.from : q.rawFrom;
  const filter = viewFilter(q.filters);
  const part = q.part && { dimensions: new Set(q.part.dimensions), sessions: q.part.sessions };
  const s = REQUEST_SCRATCH;
  try {
    resetScratch(db, s);
    if (from <= q.to) {
      const span = { siteId: q.siteId, from, to: addDays(q.to, 1), views: filter };
      materializeRange(db, s, span, part?.sessions ?? true);
      for (const aggregate of aggregationSteps(s, { daily: s.daily, totals: s.totals }, part)) {
        aggregate(db);
      }
    }
    const plan = daysOnly(q.from, q.to);
    const reader = tableReader(db, s, q.siteId, { ...range, plan }, null);
    return { ...rowsOf(reader, q), source: { kind: "raw", raw_from: q.rawFrom } };
  } finally {
    clearScratch(db, s);
  }
}
