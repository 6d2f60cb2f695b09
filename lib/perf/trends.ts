// Trend analysis of one series (the last N values of a metric on a branch): min, max and mean of
// the window, and the change of the latest value against the mean of the values before it,
// flagged as a regression or an improvement when it moves beyond the unit's threshold in the
// unit's bad or good direction (lib/perf/units.ts). Pure functions: the API and the admin page
// both call them on rows from the store (lib/store/perf.ts).
import type { PerfPoint, PerfSeriesRows } from "../store/perf.ts";
import { type Direction, unitRule } from "./units.ts";

/**
 * - `regression`: the latest value moved beyond the threshold in the bad direction;
 * - `improvement`: beyond the threshold in the good direction;
 * - `stable`: within the threshold;
 * - `no_baseline`: only one value so far;
 * - `no_direction`: the unit does not say which way is better, so nothing is flagged.
 */
export type TrendStatus = "regression" | "improvement" | "stable" | "no_baseline" | "no_direction";

export interface PerfTrend {
  category: string;
  metric: string;
  branch: string | null;
  unit: string;
  /** Which way is better, from the unit; null when unknown. */
  better: Direction | null;
  /** The threshold (percent) this series was judged against; null without a direction. */
  threshold_pct: number | null;
  count: number;
  latest: number;
  latest_at: string;
  latest_commit: string | null;
  min: number;
  max: number;
  /** Mean of every value in the window, the latest included. */
  mean: number;
  /** Mean of the values before the latest (the baseline); null when there is only one. */
  baseline: number | null;
  /** latest − baseline. */
  change: number | null;
  /** (latest − baseline) / |baseline| × 100; null without a baseline or when it is 0. */
  change_pct: number | null;
  status: TrendStatus;
  points: PerfPoint[];
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * Judges one series (points oldest first, at least one). `thresholdPct` overrides the unit's own
 * threshold when given.
 */
export function analyseSeries(series: PerfSeriesRows, thresholdPct?: number | null): PerfTrend {
  const values = series.points.map((p) => p.value);
  const last = series.points[series.points.length - 1];
  const rule = unitRule(series.unit);
  const threshold = rule ? thresholdPct ?? rule.thresholdPct : null;
  const previous = values.slice(0, -1);
  const baseline = previous.length > 0 ? mean(previous) : null;
  const change = baseline === null ? null : last.value - baseline;
  let changePct: number | null = null;
  if (baseline !== null && change !== null) {
    changePct = baseline !== 0 ? (change / Math.abs(baseline)) * 100 : change === 0 ? 0 : null;
  }
  return {
    category: series.category,
    metric: series.metric,
    branch: series.branch,
    unit: series.unit,
    better: rule?.direction ?? null,
    threshold_pct: threshold,
    count: values.length,
    latest: last.value,
    latest_at: last.recorded_at,
    latest_commit: last.commit_hash,
    min: Math.min(...values),
    max: Math.max(...values),
    mean: mean(values),
    baseline,
    change,
    change_pct: changePct,
    status: judge(rule?.direction ?? null, threshold, change, changePct),
    points: series.points,
  };
}

function judge(
  better: Direction | null,
  threshold: number | null,
  change: number | null,
  changePct: number | null,
): TrendStatus {
  if (change === null) return "no_baseline";
  if (better === null || threshold === null) return "no_direction";
  if (change === 0) return "stable";
  // From a baseline of 0 any move is beyond every percentage.
  const beyond = changePct === null || Math.abs(changePct) > threshold;
  if (!beyond) return "stable";
  const worse = better === "lower" ? change > 0 : change < 0;
  return worse ? "regression" : "improvement";
}
