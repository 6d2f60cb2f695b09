// Today's figures are the stored rollup plus the live rows written since it was built: numeric
// dimensions (scroll-depth quarters, web-vital buckets) must merge with the stored values they
// equal — one row per depth, every vital sample counted — on the overview API, the dashboard
// page and the CSV export alike, and match a full rebuild exactly.
import assert from "node:assert/strict";
import { insertEvents } from "../lib/db/collect.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml, type AdminTestApp } from "./_admin.ts";
import { AUTH, D2, event, getJson, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

const at = (time: string) => `${D2}T${time}.000Z`;

/** Rows after the 12:00 rollup that fall into buckets the rollup already has for today. */
function burstAfterRollup(t: AdminTestApp): void {
  const rows = [];
  for (let i = 0; i < 4; i++) {
    const visitor = `burst${i}`;
    const common = { visitor_id: visitor, session_id: `bs${i}`, path: "/pricing" };
    rows.push(
      // 75 and 80 land in the stored 75 % quarter; 60 in the 50 % one.
      event({ ...common, event_type: "pageview_end", engaged_ms: 5_000, scroll_pct: 75 }),
      event({ ...common, event_type: "pageview_end", engaged_ms: 5_000, scroll_pct: 80 + i }),
      event({ ...common, event_type: "pageview_end", engaged_ms: 5_000, scroll_pct: 60 }),
      event({ ...common, event_type: "web_vital", data: '{"metric":"LCP","value":5120}' }),
      event({ ...common, event_type: "web_vital", data: '{"metric":"CLS","value":0.05}' }),
      event({ ...common, event_type: "web_vital", data: '{"metric":"CLS","value":0.1}' }),
      event({ ...common, event_type: "web_vital", data: '{"metric":"INP","value":48}' }),
    );
  }
  insertEvents(
    t.services.db,
    rows.map((row, n) => ({
      ...row,
      created_at: at(`11:${String(50 + (n % 9)).padStart(2, "0")}:00`),
    })),
  );
}

async function liveApp(): Promise<AdminTestApp> {
  const t = await adminApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  await refreshRollups(t.services);
  burstAfterRollup(t);
  return t;
}

const overview = (t: AdminTestApp) => getJson(t, `/api/stats/overview?site_id=${SITE}&days=1`);

Deno.test("live merge: scroll depths and vital samples add onto today's rollup", async () => {
  const t = await liveApp();
  const live = await overview(t);
  assert.equal(live.source.today_built_at, `${D2}T12:00:00.000Z`, "today has a rollup");
  const depths = live.scroll_depth.map((r: { depth: number }) => r.depth);
  assert.deepEqual(depths, [...new Set(depths)], `one row per depth: ${JSON.stringify(depths)}`);

  await refreshRollups(t.services);
  const rebuilt = await overview(t);
  assert.deepEqual(live.scroll_depth, rebuilt.scroll_depth);
  assert.deepEqual(live.web_vitals, rebuilt.web_vitals);
  assert.equal(live.web_vitals.CLS.samples, rebuilt.web_vitals.CLS.samples);
  // The fixture's CLS samples today plus the burst's 8.
  assert.ok(live.web_vitals.CLS.samples >= 8, JSON.stringify(live.web_vitals.CLS));
  assert.deepEqual({ ...live, source: null }, { ...rebuilt, source: null });
});

Deno.test("live merge: the dashboard page and the CSV show each depth once", async () => {
  const t = await liveApp();
  const live = await overview(t);
  const quarter = live.scroll_depth.find((r: { depth: number }) => r.depth === 75);
  assert.ok(quarter && quarter.pageviews >= 5, JSON.stringify(live.scroll_depth));

  const csv = await (await t.request(`/api/export/overview.csv?site_id=${SITE}&days=1`, {
    headers: AUTH,
  })).text();
  const section = csv.slice(csv.indexOf("Scroll depth"));
  const depthRows = section.split("\n").slice(1).filter((line) => /^\d+,\d+/.test(line.trim()))
    .map((line) => line.trim());
  const csvDepths = depthRows.map((line) => line.split(",")[0]);
  assert.deepEqual(csvDepths, [...new Set(csvDepths)], `CSV: ${depthRows.join(" | ")}`);
  assert.ok(depthRows.includes(`75,${quarter.pageviews}`), depthRows.join(" | "));

  const { html } = await adminHtml(t, `/admin?site=${SITE}&days=1`);
  const table = html.slice(html.indexOf('id="scroll-depth-table"'));
  const cells = [...table.slice(0, table.indexOf("</table>")).matchAll(/>(\d+)%</g)]
    .map((m) => m[1]);
  assert.ok(cells.length > 0, "the dashboard renders the scroll-depth table");
  assert.deepEqual(cells, [...new Set(cells)], `dashboard depths: ${cells.join(", ")}`);
});
