// Attacker-chosen cardinality is bounded per site and day (issue 13, item 4): the stored rollups
// keep at most ECHELON_MAX_DAILY_VALUES values per dimension (paths, event names, …), summing the
// rest into "(other)" so totals stay exact, and the known-bot report keeps as many (bot, path)
// rows per site and day, counting further paths under "(other)".
import assert from "node:assert/strict";
import { adminApp, adminHtml, insertEvents, insertViews, registerSite } from "./_admin.ts";
import { b64, BROWSER_HEADERS, flush } from "./_collect.ts";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";
import { refreshRollups } from "../lib/stats/mod.ts";

const SECRET = TEST_SECRET;
const DAY = "2026-11-18";
const MAX = 10;

Deno.test("cardinality: a day's rollup keeps ECHELON_MAX_DAILY_VALUES paths and event names, the rest as (other)", async () => {
  const t = await adminApp({ ECHELON_MAX_DAILY_VALUES: String(MAX), ECHELON_SECRET: SECRET });
  registerSite(t, "shop");
  const at = (i: number) => new Date(Date.parse(`${DAY}T10:00:00.000Z`) + i * 1000).toISOString();
  // "/popular" is seen 30 times; 40 made-up paths once each, by 40 visitors.
  insertViews(t, [
    ...Array.from({ length: 30 }, (_, i) => ({
      path: "/popular",
      visitor_id: `v${i}`,
      session_id: `s${i}`,
      created_at: at(i),
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      path: `/junk/${i}`,
      visitor_id: `j${i}`,
      session_id: `t${i}`,
      created_at: at(100 + i),
    })),
  ]);
  insertEvents(t, [
    ...Array.from({ length: 5 }, (_, i) => ({
      event_type: "custom",
      event_name: "signup",
      visitor_id: `v${i}`,
      created_at: at(i),
    })),
    ...Array.from({ length: 25 }, (_, i) => ({
      event_type: "custom",
      event_name: `made-up-${i}`,
      visitor_id: `j${i}`,
      created_at: at(100 + i),
    })),
  ]);
  await refreshRollups(t.services);

  const stored = (dimension: string) =>
    t.services.db.all<{ value: string; views: number }>(
      `SELECT value, views FROM rollup_daily WHERE site_id = 'shop' AND dimension = ? AND date = ?
       ORDER BY views DESC, value`,
      dimension,
      DAY,
    ).map((r) => ({ ...r }));
  const paths = stored("path");
  assert.equal(paths.length, MAX + 1);
  const views = Object.fromEntries(paths.map((r) => [r.value, r.views]));
  assert.equal(views["/popular"], 30, "the most viewed path is kept");
  assert.equal(views["(other)"], 40 - 9, "the paths past the bound are summed");
  assert.equal(paths.reduce((sum, r) => sum + r.views, 0), 70, "every view is still counted");
  const names = stored("event_name");
  assert.equal(names.length, MAX + 1);
  assert.deepEqual(names[0], { value: "(other)", views: 25 - 9 });
  assert.deepEqual(names[1], { value: "signup", views: 5 });

  // What the API and the dashboard read: totals unchanged, the tail as one "(other)" row.
  const res = await t.request(`/api/stats/overview?site_id=shop&from=${DAY}&to=${DAY}&limit=100`, {
    headers: { authorization: `Bearer ${SECRET}` },
  });
  assert.equal(res.status, 200);
  const overview = await res.json();
  assert.equal(overview.source.kind, "rollup");
  assert.equal(overview.pageviews, 70);
  assert.equal(overview.top_paths.length, MAX + 1);
  assert.deepEqual(overview.top_paths.find((p: { path: string }) => p.path === "(other)"), {
    path: "(other)",
    views: 31,
    visitors: 31,
  });
  assert.equal(overview.custom_events.length, MAX + 1);
  assert.equal(
    overview.custom_events.reduce((sum: number, e: { count: number }) => sum + e.count, 0),
    30,
  );

  // The dashboard lists "(other)" as a row without a link: no one path or name stands behind it.
  const { html } = await adminHtml(t, `/admin?site=shop&from=${DAY}&to=${DAY}`);
  for (const table of ["top-pages-table", "custom-events-table"]) {
    const start = html.indexOf(`id="${table}"`);
    const rows = html.slice(start, html.indexOf("</table>", start));
    assert.ok(rows.includes("(other)"), `${table} shows the (other) row`);
    assert.doesNotMatch(rows, /<a [^>]*>\(other\)<\/a>/, `${table}: (other) is not a link`);
    assert.match(rows, /<a [^>]*>(\/popular|signup)<\/a>/, `${table}: real values stay links`);
  }
});

Deno.test("cardinality: the known-bot report keeps ECHELON_MAX_DAILY_VALUES paths a site and day", async () => {
  const t = await createTestApp({ ECHELON_MAX_DAILY_VALUES: "5", ECHELON_RATE_LIMIT_MAX: "0" });
  registerSite(t, "shop");
  const googlebot = { ...BROWSER_HEADERS, "user-agent": "Googlebot/2.1" };
  for (let i = 0; i < 12; i++) {
    const url = `/b.gif?${new URLSearchParams({ s: "shop", p: b64(`/junk/${i}`), _v: "1500" })}`;
    await (await t.request(url, { headers: googlebot })).body?.cancel();
    // A second flush of the day sees the stored rows, not only its own.
    if (i === 3) flush(t);
  }
  await flush(t);
  const rows = t.services.db.all<{ path: string; hits: number }>(
    "SELECT path, hits FROM bot_traffic WHERE site_id = 'shop' ORDER BY hits DESC, path",
  ).map((r) => ({ ...r }));
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[0], { path: "(other)", hits: 7 });
  assert.equal(rows.reduce((sum, r) => sum + r.hits, 0), 12);
  await t.services.collect.stop(Date.now() + 1000);
});
