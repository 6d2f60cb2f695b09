// The live panels under the dashboard's filters (lib/stats/live_filtered.ts, the query engine over
// the last hour with each view's session) against the unfiltered live panel (lib/stats/live.ts,
// indexed raw reads of the last hour, rollups for its 24 hours), in process: N views spread over the 48 hours up to the test
// clock (the engine's window reaches a day before the hour), 8 countries, three views a visit, one
// visitor in 13 a bot, sessions in the sessions table as the writer keeps them. Prints the median
// of 7 runs of each and its ratio to the unfiltered panel.
// `npx -y deno@2.9.6 run -A bench/live_filters_bench.ts [views]` (default 100,000).
import { insertViews } from "../lib/db/collect.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";
import type { OverviewView } from "../lib/stats/engine_overview.ts";
import { liveDashboard } from "../lib/stats/live.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { filteredLive, filteredRealtime } from "../lib/stats/live_filtered.ts";
import { sqliteReadContext } from "../lib/store/sqlite/read_context.ts";
import { createTestApp } from "../tests/_helpers.ts";
import { view } from "../tests/_stats_fixture.ts";

const COUNTRIES = ["DE", "FR", "US", "JP", "BR", "GB", "SE", "IN"];
const RUNS = 7;
const total = Number(Deno.args[0] ?? 100_000);
const app = await createTestApp();
const db = app.services.db;
const now = app.clock.now;
const span = 48 * 3_600_000;
for (let start = 0; start < total; start += 5000) {
  const rows = [];
  for (let i = start; i < Math.min(total, start + 5000); i++) {
    const visit = Math.floor(i / 3);
    rows.push(view({
      site_id: "shop",
      visitor_id: `v${visit}`,
      session_id: `s${visit}`,
      created_at: new Date(now - span + Math.floor((i / total) * span)).toISOString(),
      path: `/p${i % 50}`,
      country_code: COUNTRIES[visit % COUNTRIES.length],
      bot_score: visit % 13 === 0 ? 80 : 0,
    }));
  }
  insertViews(db, rows);
}
rebuildAllSessions(db);
// The rollups (and their watermarks) the unfiltered panel's 24-hour chart reads, as the writer keeps
// them.
await refreshRollups(app.services);
db.exec("ANALYZE");
const ctx = sqliteReadContext(db, { now: () => now, config: app.services.config });

async function median(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const hide = { mode: "hide", threshold: 50 } as const;
const views: [string, OverviewView][] = [
  ["country is DE (the view's own column)", {
    filter: { op: "is", dimension: "visit:country", values: ["DE"] },
    bots: hide,
  }],
  ["entry page is /p0 (the session's)", {
    filter: { op: "is", dimension: "visit:entry_page", values: ["/p0"] },
    bots: hide,
  }],
];
const baseline = await median(() => liveDashboard(ctx, "shop"));
const lastHour = Math.round(total / 48);
console.log(`${total} views over 48 h (~${lastHour} in the last hour), median of ${RUNS}:`);
console.log(`  unfiltered live panel (baseline)            ${baseline.toFixed(1)} ms`);
for (const [name, v] of views) {
  const live = await median(() => filteredLive(ctx, "shop", v));
  const realtime = await median(() => filteredRealtime(ctx, "shop", v));
  console.log(
    `  ${name.padEnd(42)} panel ${live.toFixed(1)} ms (${(live / baseline).toFixed(1)}x)` +
      `, realtime ${realtime.toFixed(1)} ms (${(realtime / baseline).toFixed(1)}x)`,
  );
}
db.close();
