// The writes area on SQLite (lib/store/writes.ts), over lib/db/ on the app's connection.
import type { Database } from "../../db/database.ts";
import { insertDeduplicated } from "../../db/ingest.ts";
import type { WritesStore } from "../writes.ts";

export function sqliteWrites(db: Database): WritesStore {
  return {
    ingestEvents: (events) => Promise.try(() => insertDeduplicated(db, events)),
  };
}
