// Regression (found by `deno task soak`): on a fresh database, with no ANALYZE statistics, the
// rollup build resolved each session by scanning the site's whole three-day window through the
// (site_id, created_at) index, so a day of n sessions cost n² row visits on the event loop (68 s
// for 8.6k page views; ingestion stalled meanwhile). The build must stay near-linear.
import assert from "node:assert/strict";
import { insertViews } from "../../lib/db/collect.ts";
import type { ViewRow } from "../../lib/db/columns.ts";
import { VIEW_COLUMNS } from "../../lib/db/columns.ts";
import { openDatabase } from "../../lib/db/mod.ts";
import { buildRollupDay } from "../../lib/db/rollups.ts";

const SESSIONS = 4000;

Deno.test("rollups: a fresh database (no ANALYZE) builds a busy day without a quadratic step", async () => {
  const dir = await Deno.makeTempDir();
  const db = openDatabase(`${dir}/fresh.db`);
  try {
    const day = new Date().toISOString().slice(0, 10);
    const rows: ViewRow[] = Array.from({ length: SESSIONS }, (_, i) => {
      const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
      Object.assign(row, {
        visitor_id: "v-one",
        session_id: `s-${i}`,
        site_id: "fresh",
        path: `/p/${i % 50}`,
        interaction_ms: 1500,
        is_spa: 0,
        is_returning: 0,
        is_pwa: 0,
        bot_score: 0,
        created_at: `${day}T00:00:${String(i % 60).padStart(2, "0")}.${
          String(i % 1000).padStart(3, "0")
        }Z`,
      });
      return row;
    });
    insertViews(db, rows);
    const stats = db.get("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'");
    assert.equal(stats, undefined, "no ANALYZE statistics, as on a fresh install");
    const result = await buildRollupDay(db, day, { builtAt: Date.now() });
    const totals = db.get<{ views: number }>(
      "SELECT sum(views) AS views FROM rollup_daily_totals WHERE date = ? AND site_id = 'fresh'",
      day,
    );
    console.log(
      `${SESSIONS} sessions: build ${result.ms} ms, longest step ${result.longestStepMs} ms`,
    );
    assert.equal(totals?.views, SESSIONS);
    // Quadratic: ~10 s here; linear: tens of ms. 2 s leaves room for a loaded machine.
    assert.ok(result.longestStepMs < 2000, `longest step ${result.longestStepMs} ms`);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
