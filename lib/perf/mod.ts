// Performance metrics: CI/CD benchmark values posted to /api/perf, listed, and judged as trends
// (the API and /admin/perf share these).
import type { PerfFilter, PerfStore } from "../store/perf.ts";
import { MAX_TREND_SERIES } from "./params.ts";
import { analyseSeries, type PerfTrend } from "./trends.ts";

export type { PerfFilter, PerfMetricRow, PerfPoint } from "../store/perf.ts";
export {
  MAX_METADATA_BYTES,
  MAX_PERF_BATCH,
  MAX_PERF_BODY_BYTES,
  PERF_BODY,
  perfMetrics,
} from "./input.ts";
export {
  DEFAULT_LIST_LIMIT,
  DEFAULT_TREND_WINDOW,
  MAX_LIST_LIMIT,
  MAX_TREND_WINDOW,
  PERF_LIST_QUERY,
  PERF_TRENDS_QUERY,
  perfFilter,
} from "./params.ts";
export { analyseSeries, type PerfTrend, type TrendStatus } from "./trends.ts";
export { type Direction, unitRule } from "./units.ts";

export interface PerfTrends {
  /** Values per series (the latest included). */
  window: number;
  /** The threshold override, or null when each unit's own applies. */
  threshold_pct: number | null;
  series: PerfTrend[];
  /** More series matched than one response holds; filter by category or metric. */
  truncated: boolean;
}

export async function perfTrends(
  perf: Pick<PerfStore, "series">,
  filter: PerfFilter,
  window: number,
  thresholdPct: number | null,
): Promise<PerfTrends> {
  const found = await perf.series(filter, window, MAX_TREND_SERIES);
  return {
    window,
    threshold_pct: thresholdPct,
    series: found.series.map((s) => analyseSeries(s, thresholdPct)),
    truncated: found.truncated,
  };
}
