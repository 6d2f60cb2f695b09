// The dashboard's trend: one point per local day from the overview, or — for Today, Yesterday
// and any period of at most two days — one point per local hour of the site's zone, counted by
// the query engine's `time:hour` dimension (lib/query/), with the previous period by position.
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import type { Query } from "../query/model.ts";
import type { QueryResult } from "../query/run.ts";
import { addLocalDays } from "../query/time_zone.ts";
import type { Reader } from "../reads/mod.ts";
import { isRefusedRead } from "../reads/refusals.ts";
import type { OverviewView } from "../stats/engine_overview.ts";
import type { Overview } from "../stats/mod.ts";
import { type Period, spanDays } from "./period.ts";

/** Periods of at most this many days are drawn by the hour. */
export const HOURLY_MAX_DAYS = 2;

export type TrendUnit = "day" | "hour";

export interface TrendPoint {
  /** The local day (YYYY-MM-DD) or hour ("YYYY-MM-DD HH:00"). */
  date: string;
  views: number;
  visitors: number;
  /** The same position of the previous period, when compared. */
  previousViews?: number;
}

export interface Trend {
  unit: TrendUnit;
  /** The zone the days or hours are local to. */
  timeZone: string;
  points: TrendPoint[];
}

/** What the counts include: the dashboard's filter and bot setting. */
export type TrendView = OverviewView;

/** No filter, bots hidden: the dashboard's default view of the rows. */
export const DEFAULT_VIEW: TrendView = {
  filter: null,
  bots: { mode: "hide", threshold: BOT_SCORE_THRESHOLD },
};

export function trendUnit(period: Pick<Period, "from" | "to">): TrendUnit {
  return spanDays(period) <= HOURLY_MAX_DAYS ? "hour" : "day";
}

/** The overview's daily trend, with the previous period's views by position. */
export function dailyTrend(overview: Overview, timeZone: string): Trend {
  return {
    unit: "day",
    timeZone,
    points: overview.daily_trend.map((point, i) => ({
      date: point.date,
      views: point.visits,
      visitors: point.visitors,
      previousViews: overview.previous?.daily_trend[i]?.visits,
    })),
  };
}

/** The engine query of the sites' page views and visitors per local hour of `from`..`to`. */
export function hourlyQuery(
  siteIds: string[],
  range: { from: string; to: string },
  timeZone: string,
  view: TrendView = DEFAULT_VIEW,
): Query {
  return {
    siteIds,
    timeZone,
    range: { from: range.from, to: range.to },
    metrics: ["pageviews", "visitors"],
    dimensions: ["time:hour"],
    filter: view.filter,
    orderBy: [],
    limit: 1000,
    offset: 0,
    include: { totalRows: false, timeLabels: true, comparison: null },
    bots: view.bots,
  };
}

/** Every hour of the result's labels with its counts (0 for hours without views). */
function hours(result: QueryResult): TrendPoint[] {
  const byHour = new Map(result.results.map((row) => [row.dimensions[0], row.metrics]));
  return (result.meta.time_labels ?? []).map((label) => {
    const [views, visitors] = byHour.get(label) ?? [0, 0];
    return { date: label.slice(0, 16), views: views ?? 0, visitors: visitors ?? 0 };
  });
}

/**
 * The sites' trend by local hour over the period, and the previous period of as many days (its
 * hours matched by position: the 3rd hour with the 3rd hour before). One engine query covers both
 * periods, so the dashboard adds one heavy read.
 */
export async function hourlyTrend(
  reads: Reader,
  siteIds: string[],
  period: Period,
  view: TrendView = DEFAULT_VIEW,
): Promise<Trend> {
  const start = addLocalDays(period.from, -spanDays(period));
  const both = await reads.run(
    "query",
    hourlyQuery(siteIds, { from: start, to: period.to }, period.timeZone, view),
  );
  const all = hours(both);
  const earlier = all.filter((point) => point.date < period.from);
  return {
    unit: "hour",
    timeZone: period.timeZone,
    points: all.filter((point) => point.date >= period.from)
      .map((point, i) => ({ ...point, previousViews: earlier[i]?.views ?? 0 })),
  };
}

/** The hourly trend, or null when its read is refused (the page draws the daily trend instead). */
export async function hourlyTrendUnlessRefused(
  ...args: Parameters<typeof hourlyTrend>
): Promise<Trend | null> {
  try {
    return await hourlyTrend(...args);
  } catch (error) {
    if (isRefusedRead(error)) return null;
    throw error;
  }
}
