// Web-vital percentiles from the per-day histograms the rollup keeps (lib/db/stats_source.ts):
// buckets of 1/32 of a power of two merge exactly over any range, so a 90-day p75 is as precise
// as a one-day one (exact below 64, within 3.2 % above; each figure is its bucket's lower bound).
import { VITAL_METRICS, type VitalMetric } from "./terms.ts";

export interface VitalSummary {
  samples: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  good: number;
  needs_improvement: number;
  poor: number;
}

export type WebVitals = Record<VitalMetric, VitalSummary>;

/** Nearest-rank percentile (the smallest value with at least p·N samples at or below it). */
export function histogramPercentile(
  buckets: ReadonlyArray<readonly [value: number, count: number]>,
  p: number,
): number | null {
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1][0];
}

/**
 * Summaries per metric from `histograms` (metric → bucket value → samples) and `ratings`
 * ("LCP:good" → samples).
 */
export function summarizeVitals(
  histograms: ReadonlyMap<VitalMetric, ReadonlyMap<number, number>>,
  ratings: ReadonlyMap<string, number>,
): WebVitals {
  const result = {} as WebVitals;
  for (const metric of VITAL_METRICS) {
    const buckets = [...(histograms.get(metric) ?? new Map()).entries()];
    result[metric] = {
      samples: buckets.reduce((sum, [, count]) => sum + count, 0),
      p50: histogramPercentile(buckets, 0.5),
      p75: histogramPercentile(buckets, 0.75),
      p95: histogramPercentile(buckets, 0.95),
      good: ratings.get(`${metric}:good`) ?? 0,
      needs_improvement: ratings.get(`${metric}:needs_improvement`) ?? 0,
      poor: ratings.get(`${metric}:poor`) ?? 0,
    };
  }
  return result;
}
