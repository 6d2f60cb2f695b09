// Retention SQL: batched deletes of raw rows past their retention (each batch its own short
// transaction, so writers are never locked out for long — reference W36 ran one DELETE for
// everything), and the maintenance_log record of each daily run. (Perf metrics and revoked API
// keys are purged by lib/db/perf.ts and lib/db/api_keys.ts, next to their other queries.) The
// types are the interface's (lib/store/retention.ts).
import type { Database } from "./database.ts";
import type { PurgeCutoffs, RetentionCounts, RetentionRunStatus } from "../store/retention.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { markTouched, rebuildTouched } from "./session_table.ts";

function purgeBatch(
  db: Database,
  table: "visitor_views" | "semantic_events",
  cut: PurgeCutoffs,
  limit: number,
): number {
  const latest = cut.cleanBefore > cut.botBefore ? cut.cleanBefore : cut.botBefore;
  const batch = `SELECT id FROM ${table}
    WHERE created_at < ?1 AND (
      (bot_score < ${BOT_SCORE_THRESHOLD} AND created_at < ?2)
      OR (bot_score >= ${BOT_SCORE_THRESHOLD} AND created_at < ?3))
    LIMIT ?4`;
  const args = [latest, cut.cleanBefore, cut.botBefore, limit];
  return db.transaction(() => {
    // The sessions of purged views are rebuilt from the views they keep.
    if (table === "visitor_views") markTouched(db, `v.id IN (${batch})`, ...args);
    const n = db.run(`DELETE FROM ${table} WHERE id IN (${batch})`, ...args).changes;
    if (table === "visitor_views") rebuildTouched(db);
    return n;
  });
}

/** Deletes up to `limit` expired page views; returns how many. */
export function purgeViewsBatch(db: Database, cut: PurgeCutoffs, limit: number): number {
  return purgeBatch(db, "visitor_views", cut, limit);
}

/** Deletes up to `limit` expired events; returns how many. */
export function purgeEventsBatch(db: Database, cut: PurgeCutoffs, limit: number): number {
  return purgeBatch(db, "semantic_events", cut, limit);
}

/** Deletes up to `limit` known-bot report rows of days before `beforeDate`. */
export function purgeBotTrafficBatch(db: Database, beforeDate: string, limit: number): number {
  return db.transaction(() =>
    db.run(
      `DELETE FROM bot_traffic WHERE (date, site_id, bot_name, path) IN (
         SELECT date, site_id, bot_name, path FROM bot_traffic WHERE date < ? LIMIT ?)`,
      beforeDate,
      limit,
    ).changes
  );
}

/** Lets SQLite refresh its planner statistics where they drifted (cheap; sqlite.org/lang_analyze). */
export function optimizeDatabase(db: Database): void {
  db.exec("PRAGMA optimize");
}

export interface MaintenanceRow {
  date: string;
  status: RetentionRunStatus;
  rollup_rows: number | null;
  purge_views: number | null;
  purge_events: number | null;
  purge_bot_traffic: number | null;
  purge_rollups: number | null;
  purge_perf_metrics: number | null;
  purge_api_keys: number | null;
  error: string | null;
  started_at: string;
  completed_at: string | null;
}

export function maintenanceRun(db: Database, date: string): MaintenanceRow | null {
  return db.get<MaintenanceRow>("SELECT * FROM maintenance_log WHERE date = ?", date) ?? null;
}

export function startMaintenance(db: Database, date: string, at: string): void {
  db.run(
    `INSERT INTO maintenance_log (date, status, started_at) VALUES (?, 'started', ?)
     ON CONFLICT (date) DO UPDATE SET status = 'started', started_at = excluded.started_at,
       completed_at = NULL, error = NULL`,
    date,
    at,
  );
}

export function finishMaintenance(
  db: Database,
  date: string,
  at: string,
  counts: RetentionCounts,
): void {
  db.run(
    `UPDATE maintenance_log SET status = 'complete', completed_at = ?, rollup_rows = ?,
       purge_views = ?, purge_events = ?, purge_bot_traffic = ?, purge_rollups = ?,
       purge_perf_metrics = ?, purge_api_keys = ?, error = NULL
     WHERE date = ?`,
    at,
    counts.rollupRows,
    counts.views,
    counts.events,
    counts.botTraffic,
    counts.rollups,
    counts.perfMetrics,
    counts.apiKeys,
    date,
  );
}

export function failMaintenance(db: Database, date: string, at: string, error: string): void {
  db.run(
    "UPDATE maintenance_log SET status = 'failed', completed_at = ?, error = ? WHERE date = ?",
    at,
    error.slice(0, 1000),
    date,
  );
}
