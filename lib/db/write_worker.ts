// Entry point of the write thread (lib/db/write_thread.ts): its own SQLite connection to the
// same file, inserting the batches it is sent, one transaction each, and answering every message
// in order. Loaded only as a Worker; importing it elsewhere does nothing.
import { Database } from "./database.ts";
import { insertRows } from "./collect.ts";
import { rebuildDirtyAggregates } from "./aggregates_rebuild.ts";
import { applyTestPageLimit } from "./test_faults.ts";
import type { WriteReply, WriteRequest } from "./write_thread.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<WriteRequest>) => void) | null;
  postMessage(message: WriteReply): void;
  close(): void;
}

/** The per-day aggregates' dirty days (lib/db/aggregates.ts) are rebuilt here: one after a batch,
 * then none for REBUILD_EVERY_MS, or for REBUILD_COST_FACTOR times as long as that rebuild took,
 * whichever is longer: a backlog (the migration's) never holds the writer long, and a day dirtied
 * again and again (a visitor above MAX_INCREMENTAL_VIEWS) costs the writer at most a tenth of its
 * time. */
const REBUILD_EVERY_MS = 5_000;
const REBUILD_COST_FACTOR = 10;

export function serveWrites(scope: WorkerScope): void {
  let db: Database | null = null;
  let nextRebuildAt = 0;
  scope.onmessage = ({ data }) => {
    try {
      if (data.kind === "close") {
        db?.close();
        db = null;
        scope.postMessage({ id: data.id });
        return;
      }
      // Opened on first use: the main thread ran the migrations before starting this thread.
      db ??= new Database(data.path);
      applyTestPageLimit(db, data.maxPagesFile);
      insertRows(db, data.table, JSON.parse(data.json));
      scope.postMessage({ id: data.id });
    } catch (error) {
      scope.postMessage({
        id: data.id,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (db && Date.now() >= nextRebuildAt) {
      const started = Date.now();
      try {
        if (rebuildDirtyAggregates(db, 1) > 0) {
          const took = Date.now() - started;
          nextRebuildAt = started + took + Math.max(REBUILD_EVERY_MS, REBUILD_COST_FACTOR * took);
        }
      } catch (error) {
        // The day stays dirty (readers answer it from the raw rows); a later batch retries. The
        // main thread counts it (lib/ingest/collector.ts aggregateRebuilds: /api/health, /metrics).
        nextRebuildAt = Date.now() + REBUILD_EVERY_MS;
        scope.postMessage({
          id: 0,
          aggregateError: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
}

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope === "function" && scope instanceof scope.WorkerGlobalScope) {
  serveWrites(scope as WorkerScope);
}
