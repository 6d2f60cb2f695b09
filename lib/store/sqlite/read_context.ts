// What the reads of lib/reads/registry.ts run with on SQLite: the analytics area on `db` (with
// the overview's settled-range cache, when given), the caller's clock and the retention period.
// The app builds one on its connection (inline reads), each read process on its own
// (lib/reads/child_main.ts), the CLI's export on the file it opened.
import type { Database } from "../../db/database.ts";
import type { ReadContext } from "../../reads/registry.ts";
import type { SettledRangeCache } from "../../stats/settled_cache.ts";
import { sqliteAnalytics } from "./analytics.ts";

export function sqliteReadContext(
  db: Database,
  options: Omit<ReadContext, "analytics"> & { statsCache?: SettledRangeCache },
): ReadContext {
  const { statsCache, ...rest } = options;
  return { ...rest, analytics: sqliteAnalytics(db, { statsCache }) };
}
