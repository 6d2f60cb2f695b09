// The perf metrics area of the store (lib/store/types.ts): CI/CD benchmark values posted to
// /api/perf, the filtered listing, the last values of each series for the trends, and the
// categories and branches the admin page filters by, and their retention. lib/perf/ owns the
// rules (validation, the metadata serialised once, trend analysis).

/** A validated metric ready to store (metadata already serialised, recorded_at an ISO instant). */
export interface PerfMetricInsert {
  category: string;
  metric: string;
  value: number;
  unit: string;
  commit_hash: string | null;
  branch: string | null;
  metadata: string | null;
  recorded_at: string;
}

/** A stored metric as the API returns it (metadata parsed back into an object). */
export interface PerfMetricRow extends Omit<PerfMetricInsert, "metadata"> {
  id: number;
  metadata: Record<string, unknown> | null;
}

export interface PerfFilter {
  category?: string | null;
  metric?: string | null;
  branch?: string | null;
  /** Inclusive lower bound of recorded_at (ISO instant). */
  from?: string | null;
  /** Exclusive upper bound of recorded_at (ISO instant). */
  to?: string | null;
}

/** One point of a trend series, oldest first. */
export interface PerfPoint {
  value: number;
  recorded_at: string;
  commit_hash: string | null;
}

/** The last values of one series: a metric on one branch in one unit. */
export interface PerfSeriesRows {
  category: string;
  metric: string;
  /** null when the metrics were posted without a branch. */
  branch: string | null;
  unit: string;
  points: PerfPoint[];
}

/** The series found, at most the number asked for; `truncated` when more matched. */
export interface PerfSeries {
  series: PerfSeriesRows[];
  truncated: boolean;
}

export interface PerfFacets {
  /** At most 200 of each, sorted. */
  categories: string[];
  branches: string[];
}

export interface PerfStore {
  /** Stores a batch, all or nothing; how many metrics were stored. */
  add(metrics: readonly PerfMetricInsert[]): Promise<number>;
  /** Metrics matching `filter`, newest first (ties in posted order reversed), at most `limit`. */
  list(filter: PerfFilter, limit: number): Promise<PerfMetricRow[]>;
  /**
   * The last `window` values of every series matching `filter` (the branch filter picks one
   * branch; without it each branch is its own series), oldest first within a series, series
   * ordered by category, metric, branch and unit; at most `maxSeries` series.
   */
  series(filter: PerfFilter, window: number, maxSeries: number): Promise<PerfSeries>;
  /** Categories and branches that have metrics. */
  facets(): Promise<PerfFacets>;
  /** Deletes up to `limit` metrics recorded before `before` (ISO; retention); how many went. */
  purge(before: string, limit: number): Promise<number>;
}
