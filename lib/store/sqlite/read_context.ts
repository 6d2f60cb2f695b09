// What the reads of lib/reads/registry.ts run with on SQLite: the analytics area on `db` (with
// the overview's settled-range cache, when given), the caller's clock and the retention period.
// The app builds one on its connection (inline reads), each read process on its own
// (lib/reads/child_main.ts, through openSqliteReadContext), the CLI's export on the file it opened.
import { Database } from "../../db/database.ts";
import type { ReadContext } from "../../reads/registry.ts";
import { SettledRangeCache } from "../../stats/settled_cache.ts";
import { sqliteAnalytics } from "./analytics.ts";

export function sqliteReadContext(
  db: Database,
  options: Omit<ReadContext, "analytics"> & { statsCache?: SettledRangeCache },
): ReadContext {
  const { statsCache, ...rest } = options;
  return { ...rest, analytics: sqliteAnalytics(db, { statsCache }) };
}

/**
 * A read process's own read-only connection to the database file at `path` (WAL lets it read
 * while the writers commit), with a settled-range cache of its own, and the context its reads
 * run in; `close` ends the connection (without PRAGMA optimize: that is a write).
 */
export function openSqliteReadContext(
  path: string,
  options: Omit<ReadContext, "analytics"> & { memoryMb: number },
): { ctx: ReadContext; close(): void } {
  const { memoryMb, ...rest } = options;
  const db = new Database(path, { read: { memoryMb } });
  return {
    ctx: sqliteReadContext(db, { ...rest, statsCache: new SettledRangeCache() }),
    close: () => db.close({ optimize: false }),
  };
}
