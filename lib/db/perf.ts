// Performance metrics (perf_metrics): CI/CD benchmark values posted to /api/perf, the filtered
// listing, the last N values of each series (category, metric, branch, unit) for the trends, and
// the retention purge (ECHELON_PERF_RETENTION_DAYS, lib/stats/retention.ts).
// `metadata` is stored as the JSON text the caller serialised once (lib/perf/input.ts) and parsed
// once on the way out (reference W28 double-encoded it and cut it mid-value).
// The types are the interface's (lib/store/perf.ts).
import type { Database, SqlParam } from "./database.ts";
import type {
  PerfFacets,
  PerfFilter,
  PerfMetricInsert,
  PerfMetricRow,
  PerfSeries,
  PerfSeriesRows,
} from "../store/perf.ts";

const COLUMNS = [
  "recorded_at",
  "commit_hash",
  "branch",
  "category",
  "metric",
  "value",
  "unit",
  "metadata",
] as const;

const INSERT_SQL = `INSERT INTO perf_metrics (${COLUMNS.join(", ")}) VALUES (${
  COLUMNS.map(() => "?").join(", ")
})`;

/** Stores a batch in one transaction (all or nothing); returns how many rows were written. */
export function insertPerfMetrics(db: Database, metrics: readonly PerfMetricInsert[]): number {
  if (metrics.length === 0) return 0;
  const stmt = db.statement(INSERT_SQL);
  return db.transaction(() => {
    for (const m of metrics) stmt.run(...COLUMNS.map((column) => m[column]));
    return metrics.length;
  });
}

function where(filter: PerfFilter): { sql: string; params: SqlParam[] } {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const add = (sql: string, value: string | null | undefined) => {
    if (value === null || value === undefined) return;
    parts.push(sql);
    params.push(value);
  };
  add("category = ?", filter.category);
  add("metric = ?", filter.metric);
  add("branch = ?", filter.branch);
  add("recorded_at >= ?", filter.from);
  add("recorded_at < ?", filter.to);
  return { sql: parts.length ? parts.join(" AND ") : "1", params };
}

/** A row as stored (metadata still the JSON text). */
interface StoredRow extends PerfMetricInsert {
  id: number;
}

/** Stored text back to the object the client posted; text that is not an object stays text. */
function parseMetadata(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    return { text };
  }
}

/** Metrics matching `filter`, newest first (ties by id, so a batch keeps its posted order). */
export function listPerfMetrics(db: Database, filter: PerfFilter, limit: number): PerfMetricRow[] {
  const w = where(filter);
  return db.all<StoredRow>(
    `SELECT id, recorded_at, commit_hash, branch, category, metric, value, unit, metadata
     FROM perf_metrics WHERE ${w.sql}
     ORDER BY recorded_at DESC, id DESC LIMIT ?`,
    ...w.params,
    limit,
  ).map((row) => ({ ...row, metadata: parseMetadata(row.metadata) }));
}

/**
 * The last `window` values of every series matching `filter` (the branch filter picks one
 * branch; without it each branch is its own series), oldest first within a series, series
 * ordered by category, metric, branch and unit. At most `maxSeries` series.
 */
export function perfSeries(
  db: Database,
  filter: PerfFilter,
  window: number,
  maxSeries: number,
): PerfSeries {
  const w = where(filter);
  const rows = db.all<{
    category: string;
    metric: string;
    branch: string | null;
    unit: string;
    value: number;
    recorded_at: string;
    commit_hash: string | null;
  }>(
    `SELECT category, metric, branch, unit, value, recorded_at, commit_hash FROM (
       SELECT category, metric, branch, unit, value, recorded_at, commit_hash, id,
         ROW_NUMBER() OVER (
           PARTITION BY category, metric, COALESCE(branch, ''), unit
           ORDER BY recorded_at DESC, id DESC) AS rn
       FROM perf_metrics WHERE ${w.sql})
     WHERE rn <= ?
     ORDER BY category, metric, COALESCE(branch, ''), unit, recorded_at, id`,
    ...w.params,
    window,
  );
  const series: PerfSeriesRows[] = [];
  let current: PerfSeriesRows | null = null;
  let truncated = false;
  for (const row of rows) {
    if (
      !current || current.category !== row.category || current.metric !== row.metric ||
      current.branch !== row.branch || current.unit !== row.unit
    ) {
      if (series.length >= maxSeries) {
        truncated = true;
        break;
      }
      current = {
        category: row.category,
        metric: row.metric,
        branch: row.branch,
        unit: row.unit,
        points: [],
      };
      series.push(current);
    }
    current.points.push({
      value: row.value,
      recorded_at: row.recorded_at,
      commit_hash: row.commit_hash,
    });
  }
  return { series, truncated };
}

/** Categories and branches that have metrics, for the admin page's filters (bounded lists). */
export function perfFacets(db: Database): PerfFacets {
  const categories = db.all<{ category: string }>(
    "SELECT DISTINCT category FROM perf_metrics ORDER BY category LIMIT 200",
  ).map((r) => r.category);
  const branches = db.all<{ branch: string }>(
    "SELECT DISTINCT branch FROM perf_metrics WHERE branch IS NOT NULL ORDER BY branch LIMIT 200",
  ).map((r) => r.branch);
  return { categories, branches };
}

/**
 * Deletes up to `limit` metrics recorded before `before` (an ISO instant), in one short
 * transaction (the retention job calls it until fewer than `limit` go); returns how many.
 */
export function purgePerfMetricsBatch(db: Database, before: string, limit: number): number {
  return db.transaction(() =>
    db.run(
      `DELETE FROM perf_metrics WHERE id IN (
         SELECT id FROM perf_metrics WHERE recorded_at < ? LIMIT ?)`,
      before,
      limit,
    ).changes
  );
}
