// The write thread of bench/pixel_floor.ts: inserts the batches it is sent into its own
// connection to a file database, in one of three depths (the raw rows only, + the sessions table,
// + the per-day aggregates as the server's write thread does: lib/db/collect.ts insertRows), and
// answers each batch. Loaded only as a Worker.
import { insertRows } from "../lib/db/collect.ts";
import { insertSql, VIEW_COLUMNS } from "../lib/db/columns.ts";
import { Database } from "../lib/db/database.ts";
import { upsertSessions } from "../lib/db/session_table.ts";

export type FloorDepth = "raw" | "sessions" | "full";

// deno-lint-ignore no-explicit-any
const scope = globalThis as any;
if (typeof scope.WorkerGlobalScope === "function" && scope instanceof scope.WorkerGlobalScope) {
  let db: Database | null = null;
  scope.onmessage = (
    { data }: MessageEvent<{ path: string; depth: FloorDepth; json: string }>,
  ) => {
    db ??= new Database(data.path);
    const rows = JSON.parse(data.json) as Record<string, string | number | null>[];
    if (data.depth === "full") insertRows(db, "visitor_views", rows);
    else {
      const one = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
      db.transaction(() => {
        let first = 0, last = 0;
        for (const row of rows) {
          last = Number(one.run(...VIEW_COLUMNS.map((c) => row[c])).lastInsertRowid);
          first ||= last;
        }
        if (data.depth === "sessions") upsertSessions(db!, first, last);
      });
    }
    scope.postMessage(rows.length);
  };
}
