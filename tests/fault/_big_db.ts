// A large database for the fault tests, built fast: ~20k generated page views (bench/
// stats_bench.ts, spread over 90 days), doubled in SQL with the indexes dropped and rebuilt once,
// until there are at least `rows`. About 8 s for 640k rows here, 1-3 min for 10M.
import { generate } from "../../bench/stats_bench.ts";
import { VIEW_COLUMNS } from "../../lib/db/columns.ts";
import { openDatabase } from "../../lib/db/mod.ts";

/** Builds the database at `path` and returns how many page views it holds. */
export function buildViewsDatabase(path: string, rows: number): number {
  const db = openDatabase(path);
  try {
    db.exec("PRAGMA synchronous = OFF");
    generate(db, 20_000, Date.now(), () => {});
    const indexes = db.all<{ name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND tbl_name = 'visitor_views'`,
    );
    for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
    const columns = VIEW_COLUMNS.join(", ");
    const count = () => db.get<{ n: number }>("SELECT count(*) AS n FROM visitor_views")!.n;
    while (count() < rows) {
      db.exec(`INSERT INTO visitor_views (${columns}) SELECT ${columns} FROM visitor_views`);
    }
    for (const { sql } of indexes) db.exec(sql);
    db.exec("ANALYZE");
    return count();
  } finally {
    db.close();
  }
}
