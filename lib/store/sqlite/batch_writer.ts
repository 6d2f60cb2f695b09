// The collectors' batches on SQLite (lib/store/writes.ts insertViews/insertEvents): once the
// batch worker is started on a file database, batches are inserted on the write thread
// (lib/db/write_thread.ts); before that (tests), on `:memory:`, or once that thread failed, on the
// app's connection (the insert runs before the promise is returned).
import { insertEvents, insertViews } from "../../db/collect.ts";
import type { Database } from "../../db/database.ts";
import { applyTestPageLimit } from "../../db/test_faults.ts";
import { WriteThread } from "../../db/write_thread.ts";
import type { WritesStore } from "../writes.ts";

type BatchWrites = Pick<
  WritesStore,
  "insertViews" | "insertEvents" | "startBatchWorker" | "stopBatchWorker" | "batchWorkerRunning"
>;

/** `testMaxPagesFile`: TEST ONLY fault injection (lib/db/test_faults.ts); null in production. */
export function sqliteBatchWrites(db: Database, testMaxPagesFile: string | null): BatchWrites {
  let thread: WriteThread | null = null;
  const live = () => thread?.failed === false ? thread : null;
  const limited = () => {
    applyTestPageLimit(db, testMaxPagesFile); // TEST ONLY; a no-op in production
    return db;
  };
  return {
    insertViews: (rows) =>
      live()?.insert("visitor_views", rows) ??
        Promise.try(() => insertViews(limited(), rows)),
    insertEvents: (rows) =>
      live()?.insert("semantic_events", rows) ??
        Promise.try(() => insertEvents(limited(), rows)),
    startBatchWorker: (events) =>
      Promise.try(() => {
        if (thread === null && WriteThread.isSupported(db.path)) {
          thread = new WriteThread(db.path, {
            testMaxPagesFile,
            onAggregateError: (message) => events.aggregateRebuildFailed(message),
          });
        }
      }),
    stopBatchWorker: async () => {
      await thread?.close();
    },
    batchWorkerRunning: () => Promise.resolve(live() !== null),
  };
}
