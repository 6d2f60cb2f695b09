// Filtered overview: the raw-row path (statsOverview) against the engine (engineOverview), same DB.
// The engine's overview also runs part of the raw path for the figures it does not compute yet
// (lib/stats/engine_overview.ts LEGACY_FIELDS, LEGACY_PART): "legacy part" times that part alone,
// "engine - legacy part" is its own batched statement.
// `npx -y deno@2.9.6 run -A --config deno.json bench/overview_engine_bench.ts [views]` (200,000).
import { openDatabase } from "../lib/db/mod.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";
import { generate } from "../bench/stats_bench.ts";
import { engineOverview, LEGACY_PART } from "../lib/stats/engine_overview.ts";
import { defaultOverviewQuery, statsOverview } from "../lib/stats/mod.ts";
import { BOT_SCORE_THRESHOLD } from "../lib/db/columns.ts";
import { sqliteReadContext } from "../lib/store/sqlite/read_context.ts";

const rows = Number(Deno.args[0] ?? 200000);
const dir = await Deno.makeTempDir({ prefix: "statsapi-bench-" });
const db = openDatabase(`${dir}/b.db`);
db.exec("PRAGMA synchronous = OFF");
const now = Date.now();
generate(db, rows, now, () => {});
rebuildAllSessions(db);
const { rebuildAllAggregates } = await import("../lib/db/aggregates_rebuild.ts");
rebuildAllAggregates(db);
const ctx = sqliteReadContext(db, { now: () => now, config: { retentionDays: 90 } });
const view = { filter: null, bots: { mode: "hide" as const, threshold: BOT_SCORE_THRESHOLD } };
const p50 = async (f: () => Promise<unknown>, runs = 5) => {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return Math.round(t[Math.floor(runs / 2)]);
};
const base = defaultOverviewQuery("bench", now);
for (const filters of [{ path: "/" }, { country: "DE" }]) {
  const q = { ...base, filters };
  const raw = await p50(() => statsOverview(ctx, q));
  const engine = await p50(() => engineOverview(ctx, q, view));
  const legacy = await p50(() => statsOverview(ctx, q, LEGACY_PART));
  console.log(
    `${rows} views, 30 days, ${JSON.stringify(filters)}: raw path ${raw} ms, engine ${engine} ms ` +
      `(legacy part ${legacy} ms, its own statement ~${engine - legacy} ms), ratio ${
        (engine / raw).toFixed(2)
      }`,
  );
}
const notFi = await p50(() =>
  engineOverview(ctx, base, {
    ...view,
    filter: { op: "not", filter: { op: "is", dimension: "visit:country", values: ["FI"] } },
  })
);
console.log(`engine, not country FI (rollup-only fields unfiltered): ${notFi} ms`);
db.close();
await Deno.remove(dir, { recursive: true });
