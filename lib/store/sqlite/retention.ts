// Retention on SQLite (lib/store/retention.ts), over lib/db/retention.ts and lib/db/rollups.ts:
// each batch is one short transaction; the run's record is maintenance_log's row of the day.
import type { Database } from "../../db/database.ts";
import {
  failMaintenance,
  finishMaintenance,
  type MaintenanceRow,
  maintenanceRun,
  optimizeDatabase,
  purgeBotTrafficBatch,
  purgeEventsBatch,
  purgeViewsBatch,
  startMaintenance,
} from "../../db/retention.ts";
import { purgeRollupsBefore } from "../../db/rollups.ts";
import type { RetentionRun, RetentionStore } from "../retention.ts";

function run(row: MaintenanceRow | null): RetentionRun | null {
  if (row === null) return null;
  return {
    date: row.date,
    status: row.status,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    // Columns added by later migrations are null on older runs.
    counts: row.status !== "complete" ? null : {
      rollupRows: row.rollup_rows ?? 0,
      views: row.purge_views ?? 0,
      events: row.purge_events ?? 0,
      botTraffic: row.purge_bot_traffic ?? 0,
      rollups: row.purge_rollups ?? 0,
      perfMetrics: row.purge_perf_metrics ?? 0,
      apiKeys: row.purge_api_keys ?? 0,
    },
    error: row.error,
  };
}

export function sqliteRetention(db: Database): RetentionStore {
  return {
    run: (date) => Promise.try(() => run(maintenanceRun(db, date))),
    start: (date, at) => Promise.try(() => startMaintenance(db, date, at)),
    finish: (date, at, counts) => Promise.try(() => finishMaintenance(db, date, at, counts)),
    fail: (date, at, error) => Promise.try(() => failMaintenance(db, date, at, error)),
    purgeViews: (cut, limit) => Promise.try(() => purgeViewsBatch(db, cut, limit)),
    purgeEvents: (cut, limit) => Promise.try(() => purgeEventsBatch(db, cut, limit)),
    purgeKnownBots: (beforeDate, limit) =>
      Promise.try(() => purgeBotTrafficBatch(db, beforeDate, limit)),
    purgeRollups: (beforeDate) => Promise.try(() => purgeRollupsBefore(db, beforeDate)),
    optimize: () => Promise.try(() => optimizeDatabase(db)),
  };
}
