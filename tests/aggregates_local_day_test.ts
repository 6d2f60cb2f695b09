// A site outside UTC gets its dashboard from the per-day aggregates kept in its local days
// (lib/db/aggregates.ts, lib/db/local_day.ts, migration 18): rows written through the writer's
// path on both sides of local midnight and across Berlin's DST change (2026-10-25, a 25-hour day)
// show on the admin dashboard by local day (counted here with Intl, not by the engine), with
// every dashboard member the aggregates hold answered from them — the same page as the raw rows
// give. Moving the site to another zone (PATCH /api/sites/:id) re-keys its aggregates: the page is
// right at once (raw rows while the days are dirty) and again from the aggregates after the
// writer's rebuild. Migration 18 re-keys a site already outside UTC and leaves UTC sites alone
// (their sessions' later days filled from the sessions table, as a rebuild fills them).
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import { rebuildDirtyAggregates } from "../lib/db/aggregates_rebuild.ts";
import type { Database } from "../lib/db/database.ts";
import { migrate } from "../lib/db/migrate.ts";
import { MIGRATIONS } from "../lib/db/migrations.ts";
import { planBatch } from "../lib/db/query/mod.ts";
import { AGGREGATES, metricFor } from "../lib/query/metrics.ts";
import { addLocalDays, localDayStart, offsetSpans } from "../lib/query/time_zone.ts";
import { dashboardQueries } from "../lib/stats/engine_overview.ts";
import { adminApp, adminHtml, type AdminTestApp, registerSite } from "./_admin.ts";
import { TEST_SECRET } from "./_helpers.ts";
import { rng } from "./_random.ts";
import { event, view } from "./_stats_fixture.ts";
import { wallClock } from "./_wall_clock.ts";

const BEARER = { authorization: `Bearer ${TEST_SECRET}` };
const SITE = "berlin";
const FROM = "2026-10-22";
const TO = "2026-10-28";
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant in `zone`, by Intl (independent of lib/query/time_zone.ts). */
const localDay = (iso: string, zone: string) => wallClock(Date.parse(iso), zone).slice(0, 10);

/** Views (and their pageview_end events) of a week around Berlin's DST change, many near local
 * midnight in Berlin and in St. John's. */
function rows() {
  const r = rng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const start = Date.parse(`${FROM}T00:00:00.000Z`) - 6 * 3_600_000;
  const views = [];
  for (let s = 0; s < 120; s++) {
    const visitor = `v${s % 40}`;
    // A third of the sessions start within half an hour of a Berlin or St. John's midnight.
    const near = s % 3 === 0;
    const day = Math.floor(r() * 7);
    let at = near
      ? start + day * DAY_MS + pick([22, 23, 3, 4]) * 3_600_000 + Math.floor(r() * 60) * 60_000
      : start + Math.floor(r() * 7 * DAY_MS);
    const referrer = pick([null, "google.com", "t.co"]);
    for (let p = 0; p < 1 + Math.floor(r() * 3); p++) {
      views.push(view({
        site_id: SITE,
        visitor_id: visitor,
        session_id: `${visitor}-s${s}`,
        path: pick(["/", "/pricing", "/docs"]),
        country_code: pick(["DE", "FI", "US"]),
        device_type: pick(["desktop", "mobile"]),
        referrer: p === 0 && referrer ? `https://${referrer}/` : null,
        referrer_domain: p === 0 ? referrer : null,
        referrer_type: p === 0 && referrer ? "search" : null,
        created_at: new Date(at).toISOString(),
      }));
      at += pick([60_000, 600_000, 1_800_000]);
    }
  }
  const events = views.filter((_, i) => i % 2 === 0).map((v) =>
    event({
      site_id: SITE,
      visitor_id: v.visitor_id,
      session_id: v.session_id,
      path: v.path,
      event_type: "pageview_end",
      scroll_pct: 50,
      engaged_ms: 3000,
      created_at: new Date(Date.parse(String(v.created_at)) + 2000).toISOString(),
    })
  );
  return { views, events };
}

/** How many of the dashboard's engine queries (unfiltered, bots hidden) the aggregates leave to
 * the raw rows, for the site in `zone` (the request as lib/query/run.ts builds it). */
function rawMembers(db: Database, zone: string): number {
  const queries = dashboardQueries(SITE, { from: FROM, to: TO }, null, {
    mode: "hide",
    threshold: 50,
  }, zone);
  const fromMs = localDayStart(zone, FROM);
  const toMs = localDayStart(zone, addLocalDays(TO, 1));
  const members = queries.map((q) => ({
    dimensions: q.dimensions,
    filter: q.filter,
    families: [
      ...new Set(q.metrics.flatMap((m) => metricFor(m)!.inputs.map((a) => AGGREGATES[a]))),
    ],
  }));
  return planBatch(db, {
    siteIds: [SITE],
    fromMs,
    toMs,
    spans: offsetSpans(zone, fromMs - DAY_MS, toMs + DAY_MS),
    dimensions: [],
    filter: null,
    bots: { mode: "hide", threshold: 50 },
  }, members).rest.length;
}

/** The dashboard of the week: its trend rows (local day → views) and the page without the
 * per-request parts (nonces). */
async function dashboard(app: AdminTestApp) {
  const { status, html } = await adminHtml(app, `/admin?site=${SITE}&from=${FROM}&to=${TO}`);
  assert.equal(status, 200);
  const trend = new Map(
    [...html.matchAll(/<tr data-date="([^"]+)" data-views="(\d+)"/g)].map((
      [, date, views],
    ) => [date, Number(views)]),
  );
  return { trend, page: html.replace(/nonce="[^"]*"/g, "") };
}

/** The stored views per local day of `zone`, in the week. */
function expectedTrend(db: Database, zone: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let day = FROM; day <= TO; day = addLocalDays(day, 1)) out.set(day, 0);
  for (
    const { created_at } of db.all<{ created_at: string }>(
      "SELECT created_at FROM visitor_views WHERE site_id = ?",
      SITE,
    )
  ) {
    const day = localDay(created_at, zone);
    if (out.has(day)) out.set(day, out.get(day)! + 1);
  }
  return out;
}

const allDaysDirty = (db: Database) =>
  db.run(
    `INSERT OR IGNORE INTO aggregate_dirty (site_id, day)
     SELECT DISTINCT site_id, date(created_at, d.shift) FROM visitor_views
       CROSS JOIN (SELECT '-1 day' AS shift UNION ALL SELECT '+0 days' UNION ALL SELECT '+1 day') d`,
  );

Deno.test("local-day aggregates: a Berlin site's dashboard across DST comes from them, equal to the raw rows'; a zone change is right at once and after the rebuild", async () => {
  const app = await adminApp({ ECHELON_SECRET: TEST_SECRET });
  const db = app.services.db;
  registerSite(app, SITE);
  const patch = async (zone: string) => {
    const res = await app.request(`/api/sites/${SITE}`, {
      method: "PATCH",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify({ time_zone: zone }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).site.time_zone, zone);
  };
  await patch("Europe/Berlin");
  // Written after the zone was set: the writer keeps them in Berlin's days.
  const { views, events } = rows();
  insertViews(db, views.slice(0, 150));
  insertEvents(db, events);
  insertViews(db, views.slice(150));
  assert.equal(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n, 0);

  // The trend counts local days (the 25-hour 10-25 included), as Intl does.
  const berlin = expectedTrend(db, "Europe/Berlin");
  assert.ok([...berlin.values()].every((n) => n > 0));
  const utcCounts = expectedTrend(db, "UTC");
  assert.notDeepEqual(berlin, utcCounts, "the fixture's local days differ from its UTC days");
  const served = await dashboard(app);
  assert.deepEqual(served.trend, berlin);
  // Every member (the trend's visits by day and the referrer list too) comes from the aggregates.
  const utcSiteRaw = (() => {
    db.run("UPDATE site_settings SET time_zone = NULL WHERE site_id = ?", SITE);
    allDaysDirty(db);
    rebuildDirtyAggregates(db);
    const n = rawMembers(db, "UTC");
    db.run("UPDATE site_settings SET time_zone = 'Europe/Berlin' WHERE site_id = ?", SITE);
    allDaysDirty(db);
    rebuildDirtyAggregates(db);
    return n;
  })();
  const berlinRaw = rawMembers(db, "Europe/Berlin");
  const total = dashboardQueries(SITE, { from: FROM, to: TO }, null, {
    mode: "hide",
    threshold: 50,
  }, "Europe/Berlin").length;
  assert.equal(berlinRaw, 0, `${berlinRaw} of ${total} members on raw rows`);
  assert.equal(berlinRaw, utcSiteRaw, "as for a UTC site");
  // The same page from the raw rows (every day dirty).
  allDaysDirty(db);
  assert.equal(rawMembers(db, "Europe/Berlin"), total);
  assert.equal((await dashboard(app)).page, served.page);
  rebuildDirtyAggregates(db);
  assert.equal(rawMembers(db, "Europe/Berlin"), berlinRaw);

  // To St. John's (−02:30 in October, −03:30 after 11-01): re-keyed, right at once from the raw
  // rows, then from the aggregates again after the writer's rebuild.
  await patch("America/St_Johns");
  assert.ok(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n >= 7);
  assert.equal(
    db.get<{ n: number }>("SELECT COUNT(*) AS n FROM day_aggregates WHERE site_id = ?", SITE)!.n,
    0,
  );
  const stJohns = expectedTrend(db, "America/St_Johns");
  assert.notDeepEqual(stJohns, berlin);
  const dirty = await dashboard(app);
  assert.deepEqual(dirty.trend, stJohns);
  assert.equal(rawMembers(db, "America/St_Johns"), total);
  assert.ok(rebuildDirtyAggregates(db) >= 7);
  assert.equal(rawMembers(db, "America/St_Johns"), berlinRaw);
  const rebuilt = await dashboard(app);
  assert.deepEqual(rebuilt.trend, stJohns);
  assert.equal(rebuilt.page, dirty.page);
});

Deno.test("local-day aggregates: migration 18 re-keys a site outside UTC, leaves a UTC site's alone (adding its sessions' later days), and its triggers mark the local days either side", async () => {
  const app = await adminApp();
  const db = app.services.db;
  // Back to version 17 (the schema's own tables stay): a Berlin site's rows were kept in UTC days.
  for (const site of ["berlin", "utc"]) registerSite(app, site);
  const at = ["2026-10-24T22:30:00.000Z", "2026-10-25T12:00:00.000Z"];
  insertViews(
    db,
    ["berlin", "utc"].flatMap((site) =>
      at.map((created_at, i) =>
        view({ site_id: site, visitor_id: `${site}${i}`, session_id: null, created_at })
      )
    ),
  );
  // A UTC session across UTC midnight (visits by day: on both days), from a search engine then
  // internal (the referrer list counts the first).
  insertViews(
    db,
    ["2026-10-25T23:50:00.000Z", "2026-10-26T00:10:00.000Z"].map((created_at, i) =>
      view({
        site_id: "utc",
        visitor_id: "night",
        session_id: "night-s",
        referrer_domain: i ? "utc.test" : "google.com",
        referrer_type: i ? "internal" : "search",
        created_at,
      })
    ),
  );
  const referrers = () =>
    db.all(
      `SELECT site_id, day, bot, value, pageviews, visitors FROM day_aggregates
       WHERE dim LIKE 'visit:referrer_domain~%' ORDER BY site_id, day, bot, value`,
    ).map((r) => ({ ...r }));
  const listed = referrers();
  assert.deepEqual(listed.filter((r) => r.site_id === "utc"), [
    { site_id: "utc", day: "2026-10-24", bot: 0, value: "(none)", pageviews: 1, visitors: 1 },
    { site_id: "utc", day: "2026-10-25", bot: 0, value: "(none)", pageviews: 1, visitors: 1 },
    { site_id: "utc", day: "2026-10-25", bot: 0, value: "google.com", pageviews: 1, visitors: 1 },
  ]);
  const laterDays = () =>
    db.all(
      `SELECT site_id, day, bot, late, visits, bounces, session_views, duration_ms
       FROM day_aggregates WHERE dim = '~days' ORDER BY site_id, day, bot, late`,
    ).map((r) => ({ ...r }));
  const written = laterDays();
  assert.deepEqual(written, [{
    site_id: "utc",
    day: "2026-10-25",
    bot: 0,
    late: 1,
    visits: 1,
    bounces: 0,
    session_views: 2,
    duration_ms: 1_200_000,
  }]);
  // Before migration 18: no later days nor referrer list rows, the Berlin site's rows in UTC days.
  db.run("DELETE FROM day_aggregates WHERE dim = '~days' OR dim LIKE 'visit:referrer_domain~%'");
  db.run(
    "INSERT INTO site_settings (site_id, time_zone) VALUES ('berlin', 'Europe/Berlin')",
  );
  // As if migration 18 were the next one (later migrations recorded after it are set aside too).
  db.run("DELETE FROM schema_version WHERE version >= 18");
  const before = (site: string) =>
    db.all<{ day: string; pageviews: number }>(
      `SELECT day, pageviews FROM day_aggregates WHERE site_id = ? AND dim = '' AND bot = 0
       ORDER BY day`,
      site,
    ).map((r) => ({ ...r }));
  const utcRows = before("utc");
  assert.deepEqual(utcRows, [
    { day: "2026-10-24", pageviews: 1 },
    { day: "2026-10-25", pageviews: 2 },
    { day: "2026-10-26", pageviews: 1 },
  ]);
  assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 18)), [18]);
  assert.deepEqual(before("utc"), utcRows, "a UTC site keeps its rows");
  assert.deepEqual(laterDays(), written, "its sessions' later days, from the sessions table");
  const utcListed = listed.filter((r) => r.site_id === "utc");
  assert.deepEqual(referrers(), utcListed, "its referrer list's rows, from the views");
  assert.deepEqual(before("berlin"), [], "the Berlin site's UTC-day rows are gone");
  const dirty = (site: string) =>
    db.all<{ day: string }>(
      "SELECT day FROM aggregate_dirty WHERE site_id = ? ORDER BY day",
      site,
    ).map((r) => r.day);
  assert.deepEqual(dirty("utc"), []);
  assert.deepEqual(dirty("berlin"), ["2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26"]);
  rebuildDirtyAggregates(db);
  assert.deepEqual(before("berlin"), [{ day: "2026-10-25", pageviews: 2 }], "Berlin's 10-25");

  // A deleted view at 22:30 UTC on 10-24 (00:30 on 10-25 in Berlin): the trigger marks from two
  // days before its UTC date to two after for the Berlin site, one either side for the UTC site.
  db.run("DELETE FROM visitor_views WHERE created_at = ?", at[0]);
  assert.deepEqual(dirty("berlin"), [
    "2026-10-22",
    "2026-10-23",
    "2026-10-24",
    "2026-10-25",
    "2026-10-26",
  ]);
  assert.deepEqual(dirty("utc"), ["2026-10-23", "2026-10-24", "2026-10-25"]);
  rebuildDirtyAggregates(db);
  assert.deepEqual(before("berlin"), [{ day: "2026-10-25", pageviews: 1 }]);
  assert.deepEqual(before("utc"), [
    { day: "2026-10-25", pageviews: 2 },
    { day: "2026-10-26", pageviews: 1 },
  ]);
  assert.deepEqual(laterDays(), written, "rebuilt: the same");
  db.run("INSERT INTO aggregate_dirty (site_id, day) VALUES ('utc', '2026-10-24')");
  rebuildDirtyAggregates(db);
  assert.deepEqual(
    referrers().filter((r) => r.site_id === "utc"),
    utcListed.slice(1),
    "rebuilt: the same (less the deleted view's)",
  );
});
