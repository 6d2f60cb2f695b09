// The admin dashboard of one site unfiltered (rollups) against filtered (the query engine,
// lib/stats/engine_overview.ts), in process (app.request, signed in): N views over the 20 days up
// to the test clock's today, 8 countries, three views a visit, one visitor in 13 a bot. Prints the
// median of 5 renders each.
// `deno run -A bench/dashboard_filters.ts [views]` (default 50,000).
import { insertViews } from "../lib/db/collect.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml, registerSite } from "../tests/_admin.ts";
import { view } from "../tests/_stats_fixture.ts";

const COUNTRIES = ["DE", "FR", "US", "JP", "BR", "GB", "SE", "IN"];
const PAGES = [
  "",
  "&f=visit:country:is:DE",
  "&f=visit:browser:is:Chrome",
  "&f=event:page:contains:/p1",
  "&bots=show",
];

const total = Number(Deno.args[0] ?? 50_000);
const app = await adminApp();
registerSite(app, "shop");
for (let start = 0; start < total; start += 5000) {
  const rows = [];
  for (let i = start; i < Math.min(total, start + 5000); i++) {
    const visit = Math.floor(i / 3);
    const day = String(1 + (visit % 20)).padStart(2, "0");
    rows.push(view({
      visitor_id: `v${visit}`,
      session_id: `s${visit}`,
      created_at: `2026-11-${day}T10:${String(i % 60).padStart(2, "0")}:00.000Z`,
      path: `/p${i % 50}`,
      country_code: COUNTRIES[visit % COUNTRIES.length],
      bot_score: visit % 13 === 0 ? 80 : 0,
    }));
  }
  insertViews(app.services.db, rows);
}
await refreshRollups(app.services);

console.log(`| /admin?site=shop&days=30…, ${total} views | p50 of 5 |`);
console.log("| --- | --- |");
for (const extra of PAGES) {
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const started = performance.now();
    const { status } = await adminHtml(app, `/admin?site=shop&days=30${extra}`);
    if (status !== 200) throw new Error(`${extra}: ${status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`| ${extra || "(unfiltered)"} | ${times[2].toFixed(0)} ms |`);
}
Deno.exit(0);
