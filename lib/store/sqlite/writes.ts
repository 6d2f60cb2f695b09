// The writes area on SQLite (lib/store/writes.ts), over lib/db/ on the app's connection; the
// collectors' batches through lib/store/sqlite/batch_writer.ts (the write thread once started).
import { addBotTraffic, addDropCounts, counterSites } from "../../db/collect.ts";
import type { Database } from "../../db/database.ts";
import { insertDeduplicated } from "../../db/ingest.ts";
import type { WritesStore } from "../writes.ts";
import { sqliteBatchWrites } from "./batch_writer.ts";

/** `testMaxPagesFile`: TEST ONLY fault injection (lib/db/test_faults.ts). */
export function sqliteWrites(db: Database, testMaxPagesFile: string | null = null): WritesStore {
  return {
    ingestEvents: (events) => Promise.try(() => insertDeduplicated(db, events)),
    ...sqliteBatchWrites(db, testMaxPagesFile),
    addDropCounts: (deltas) => Promise.try(() => addDropCounts(db, deltas)),
    addBotTraffic: (deltas, maxRows) => Promise.try(() => addBotTraffic(db, deltas, maxRows)),
    counterSites: (table, date) => Promise.try(() => counterSites(db, table, date)),
  };
}
