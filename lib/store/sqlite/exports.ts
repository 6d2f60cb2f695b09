// Raw exports on SQLite (lib/store/exports.ts), over lib/db/export.ts: each batch is one keyset
// read on the app's connection, so a long export shares the event loop a batch at a time.
import type { Database } from "../../db/database.ts";
import { rawExport } from "../../db/export.ts";
import type { ExportStore } from "../exports.ts";

export function sqliteExports(db: Database): ExportStore {
  return {
    raw: (kind, query, batchSize) =>
      Promise.try(() => {
        const reader = rawExport(db, kind, query, batchSize);
        return { columns: reader.columns, next: () => Promise.try(reader.next) };
      }),
  };
}
