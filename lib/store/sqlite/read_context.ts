// What the reads of lib/reads/registry.ts run with on SQLite: the analytics area on `db`, and
// `db` itself for the reads not behind the store yet (the overview and the query engine's
// runner). The app builds one on its connection (inline reads), each read process on its own
// (lib/reads/child_main.ts), the CLI's export on the file it opened.
import type { Database } from "../../db/database.ts";
import type { ReadContext } from "../../reads/registry.ts";
import { sqliteAnalytics } from "./analytics.ts";

export function sqliteReadContext(
  db: Database,
  options: Omit<ReadContext, "db" | "analytics">,
): ReadContext {
  return { ...options, db, analytics: sqliteAnalytics(db) };
}
