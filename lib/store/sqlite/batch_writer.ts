// The collectors' batch writer on SQLite (lib/store/writes.ts BatchWriter): once started on a
// file database, batches are inserted on the write thread (lib/db/write_thread.ts); before that
// (tests flush by hand), on `:memory:`, or once that thread failed, on the app's connection,
// synchronously.
import { insertEvents, insertViews } from "../../db/collect.ts";
import type { Database } from "../../db/database.ts";
import { applyTestPageLimit } from "../../db/test_faults.ts";
import { WriteThread } from "../../db/write_thread.ts";
import type { BatchWriter } from "../writes.ts";

/** `testMaxPagesFile`: TEST ONLY fault injection (lib/db/test_faults.ts); null in production. */
export function sqliteBatchWriter(db: Database, testMaxPagesFile: string | null): BatchWriter {
  let thread: WriteThread | null = null;
  const live = () => thread?.failed === false ? thread : null;
  const limited = () => {
    applyTestPageLimit(db, testMaxPagesFile); // TEST ONLY; a no-op in production
    return db;
  };
  return {
    views: (rows) => live()?.insert("visitor_views", rows) ?? insertViews(limited(), rows),
    events: (rows) => live()?.insert("semantic_events", rows) ?? insertEvents(limited(), rows),
    start() {
      if (thread === null && WriteThread.isSupported(db.path)) {
        thread = new WriteThread(db.path, testMaxPagesFile);
      }
    },
    close: async () => {
      await thread?.close();
    },
    get offThread() {
      return live() !== null;
    },
    get aggregateRebuilds() {
      return thread?.aggregateRebuilds ?? { failures: 0, lastError: null };
    },
  };
}
