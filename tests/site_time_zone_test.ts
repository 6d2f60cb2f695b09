// A site's time zone (migration 15): the settings form stores a valid IANA zone and refuses a bad
// one with a message, keeping what was typed; a site in Pacific/Auckland and one in
// America/Los_Angeles then show the views of their local days — rows written near UTC midnight —
// on the dashboard (cards, trend by day and by hour) and in POST /api/v2/query without `timezone`.
// Expected figures are counted here from the stored rows with Intl, not by the engine.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { getSite } from "../lib/db/sites.ts";
import { adminApp, adminHtml, adminPost, type AdminTestApp, registerSite } from "./_admin.ts";
import { TEST_SECRET } from "./_helpers.ts";
import { view } from "./_stats_fixture.ts";
import { wallClock } from "./_wall_clock.ts";

const BEARER = { authorization: `Bearer ${TEST_SECRET}` };

// The test clock: 2026-11-20 12:00 UTC = 2026-11-21 01:00 in Auckland (NZDT, +13) and
// 2026-11-20 04:00 in Los Angeles (PST, -8).
const ROWS: Record<string, string[]> = {
  kiwi: [
    "2026-11-19T10:30:00.000Z", // 11-19 23:30 local
    "2026-11-19T11:30:00.000Z", // 11-20 00:30 local (UTC day 11-19)
    "2026-11-19T23:30:00.000Z", // 11-20 12:30 local (UTC day 11-19)
    "2026-11-20T00:30:00.000Z", // 11-20 13:30 local
    "2026-11-20T00:45:00.000Z", // 11-20 13:45 local
    "2026-11-20T10:59:00.000Z", // 11-20 23:59 local
    "2026-11-20T11:30:00.000Z", // 11-21 00:30 local: today
  ],
  la: [
    "2026-11-19T07:30:00.000Z", // 11-18 23:30 local
    "2026-11-19T08:30:00.000Z", // 11-19 00:30 local
    "2026-11-19T23:59:00.000Z", // 11-19 15:59 local
    "2026-11-20T00:01:00.000Z", // 11-19 16:01 local (UTC day 11-20)
    "2026-11-20T07:59:00.000Z", // 11-19 23:59 local (UTC day 11-20)
    "2026-11-20T08:01:00.000Z", // 11-20 00:01 local: today
  ],
};
const ZONES: Record<string, string> = { kiwi: "Pacific/Auckland", la: "America/Los_Angeles" };

/** `YYYY-MM-DD HH` of an instant in `zone`, by Intl (independent of lib/query/time_zone.ts). */
function localHour(iso: string, zone: string): string {
  return wallClock(Date.parse(iso), zone).slice(0, 13).replace("T", " ");
}

/** Stored views of a site per local hour, read back from SQLite. */
function storedByHour(app: AdminTestApp, site: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (
    const { created_at } of app.services.db.all<{ created_at: string }>(
      "SELECT created_at FROM visitor_views WHERE site_id = ?",
      site,
    )
  ) {
    const hour = localHour(created_at, ZONES[site]);
    counts.set(hour, (counts.get(hour) ?? 0) + 1);
  }
  return counts;
}

const onDay = (byHour: Map<string, number>, day: string) =>
  [...byHour].filter(([hour]) => hour.startsWith(day)).reduce((sum, [, n]) => sum + n, 0);

/** Stored views of the sites on one UTC day. */
const utcDay = (app: AdminTestApp, sites: string[], day: string) =>
  app.services.db.all<{ created_at: string }>(
    `SELECT created_at FROM visitor_views WHERE site_id IN (${sites.map(() => "?").join(",")})`,
    ...sites,
  ).filter((row) => row.created_at.startsWith(day)).length;

async function zonedApp(): Promise<AdminTestApp> {
  const app = await adminApp({ ECHELON_SECRET: TEST_SECRET });
  for (const [site, times] of Object.entries(ROWS)) {
    registerSite(app, site);
    insertViews(
      app.services.db,
      times.map((created_at, i) =>
        view({ site_id: site, visitor_id: `${site}${i}`, session_id: `${site}s${i}`, created_at })
      ),
    );
    const saved = await adminPost(app, `/admin/sites/${site}`, {
      name: site,
      consent_css: "",
      query_allowlist: "",
      time_zone: ZONES[site],
    });
    assert.equal(saved.status, 303);
  }
  return app;
}

/** The headline "Page views" card's value. */
const pageViewsCard = (html: string) =>
  html.match(/data-kpi="visits"[\s\S]*?data-kpi-value[^>]*>([^<]*)</)?.[1];

Deno.test("site time zone: the settings form stores a zone, refuses a bad one and keeps the fields", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  const refused = await adminPost(app, "/admin/sites/shop", {
    name: "My shop",
    query_allowlist: "page, q",
    time_zone: "Mars/Olympus",
  });
  assert.equal(refused.status, 400);
  const html = await refused.text();
  assert.match(html, /Time zone: &quot;Mars\/Olympus&quot; is not an IANA time zone/);
  assert.match(html, /name="name"[^>]*value="My shop"/);
  assert.match(html, /name="query_allowlist"[^>]*value="page, q"/);
  assert.match(html, /name="time_zone"[^>]*value="Mars\/Olympus"/);
  assert.deepEqual(
    [getSite(app.services.db, "shop")?.name, getSite(app.services.db, "shop")?.time_zone],
    [null, "UTC"],
    "nothing was stored",
  );

  const saved = await adminPost(app, "/admin/sites/shop", {
    name: "My shop",
    query_allowlist: "page",
    time_zone: " pacific/auckland ",
  });
  assert.equal(saved.status, 303);
  const stored = app.services.db.get<{ time_zone: string; query_allowlist: string }>(
    "SELECT time_zone, query_allowlist FROM site_settings WHERE site_id = 'shop'",
  );
  assert.deepEqual({ ...stored }, { time_zone: "Pacific/Auckland", query_allowlist: "page" });
  const form = await adminHtml(app, "/admin/sites/shop");
  assert.match(form.html, /name="time_zone"[^>]*value="Pacific\/Auckland"/);
  assert.match(form.html, /<datalist id="site-time-zones">[\s\S]*?<option value="Europe\/Berlin"/);

  // Emptied: back to UTC (stored as no zone).
  await adminPost(app, "/admin/sites/shop", { name: "My shop", time_zone: "" });
  assert.equal(getSite(app.services.db, "shop")?.time_zone, "UTC");
  assert.equal(
    app.services.db.get<{ z: string | null }>(
      "SELECT time_zone AS z FROM site_settings WHERE site_id = 'shop'",
    )?.z,
    null,
  );
});

Deno.test("site time zone: PATCH /api/sites/:id validates and stores the zone", async () => {
  const app = await adminApp({ ECHELON_SECRET: TEST_SECRET });
  registerSite(app, "shop");
  const patch = (body: unknown) =>
    app.request("/api/sites/shop", {
      method: "PATCH",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const bad = await patch({ time_zone: "Nowhere/Land" });
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /Time zone: "Nowhere\/Land" is not an IANA time zone/);
  assert.equal(getSite(app.services.db, "shop")?.time_zone, "UTC");
  const ok = await patch({ time_zone: "America/Los_Angeles" });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).site.time_zone, "America/Los_Angeles");
  assert.equal(getSite(app.services.db, "shop")?.time_zone, "America/Los_Angeles");
});

Deno.test("site time zone: dashboards show the views of each site's local day", async () => {
  const app = await zonedApp();
  for (
    const [site, yesterday, today] of [
      ["kiwi", "2026-11-20", "2026-11-21"],
      ["la", "2026-11-19", "2026-11-20"],
    ]
  ) {
    const zone = ZONES[site];
    const byHour = storedByHour(app, site);
    const expected = onDay(byHour, yesterday);
    assert.ok(expected >= 4, "the fixture has views on the local day before today");
    assert.notEqual(expected, utcDay(app, [site], yesterday), "the UTC day differs");

    const { status, html } = await adminHtml(app, `/admin?site=${site}&period=yesterday`);
    assert.equal(status, 200);
    assert.ok(
      html.includes(`${site} · Yesterday (${yesterday}, ${zone})`),
      `${site}: the subtitle names the local day and the zone`,
    );
    assert.equal(pageViewsCard(html), String(expected), `${site}: page views card`);
    // The trend is by local hour: 24 of them, each with the stored rows of that hour.
    assert.match(
      html,
      new RegExp(
        `<figure id="trend-chart" data-total-views="${expected}" data-hours="24" ` +
          `data-unit="hour" data-time-zone="${zone}"`,
      ),
    );
    const rows = [...html.matchAll(/<tr data-date="([^"]+)" data-views="(\d+)"/g)];
    assert.equal(rows.length, 24);
    for (const [, hour, views] of rows) {
      assert.ok(hour.startsWith(yesterday), hour);
      assert.equal(Number(views), byHour.get(hour.slice(0, 13)) ?? 0, `${site} ${hour}`);
    }
    assert.match(html, /id="period-zone">Days in /);

    const now = await adminHtml(app, `/admin?site=${site}&period=today`);
    assert.equal(pageViewsCard(now.html), String(onDay(byHour, today)), `${site}: today`);
    assert.equal(onDay(byHour, today), 1);

    // A week: by local day, through the engine (rollups are UTC days).
    const week = await adminHtml(app, `/admin?site=${site}&days=7`);
    assert.match(week.html, /data-days="7" data-unit="day"/);
    assert.match(
      week.html,
      new RegExp(`<tr data-date="${yesterday}" data-views="${expected}"`),
      `${site}: the week's trend counts the local day`,
    );
    assert.equal(pageViewsCard(week.html), String(ROWS[site].length));
  }
});

Deno.test("site time zone: POST /api/v2/query defaults to the site's zone", async () => {
  const app = await zonedApp();
  const query = async (body: Record<string, unknown>) => {
    const res = await app.request("/api/v2/query", {
      method: "POST",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify({ metrics: ["pageviews"], ...body }),
    });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const kiwi = await query({ site_id: "kiwi", date_range: ["2026-11-20", "2026-11-20"] });
  assert.equal(kiwi.query.timezone, "Pacific/Auckland");
  assert.deepEqual(kiwi.results, [{
    dimensions: [],
    metrics: [onDay(storedByHour(app, "kiwi"), "2026-11-20")],
  }]);
  assert.deepEqual(kiwi.query.date_range, [
    "2026-11-20T00:00:00+13:00",
    "2026-11-20T23:59:59+13:00",
  ]);
  const la = await query({ site_id: "la", date_range: "day" });
  assert.equal(la.query.timezone, "America/Los_Angeles");
  assert.deepEqual(
    la.results,
    [{ dimensions: [], metrics: [onDay(storedByHour(app, "la"), "2026-11-20")] }],
    "today in Los Angeles is 2026-11-20",
  );

  // An explicit zone wins.
  const utc = await query({
    site_id: "kiwi",
    date_range: ["2026-11-20", "2026-11-20"],
    timezone: "UTC",
  });
  assert.equal(utc.query.timezone, "UTC");
  assert.deepEqual(utc.results, [{
    dimensions: [],
    metrics: [utcDay(app, ["kiwi"], "2026-11-20")],
  }]);

  // Sites in different zones share no local day: UTC.
  const both = await query({ site_id: ["kiwi", "la"], date_range: ["2026-11-19", "2026-11-19"] });
  assert.equal(both.query.timezone, "UTC");
  assert.deepEqual(both.results, [{
    dimensions: [],
    metrics: [utcDay(app, ["kiwi", "la"], "2026-11-19")],
  }]);
});
