// GET /api/stats/dashboard and /api/stats/realtime with the clock frozen just after midnight
// (2026-11-21T00:10Z): the 60-minute and 24-hour charts are zero-filled and run oldest to newest
// across midnight (reference W23/W24 sorted "HH:MM" strings), with or without rollups.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { event, getJson, SECRET, SITE, view } from "./_stats_fixture.ts";

const NOW = Date.parse("2026-11-21T00:10:00.000Z");

async function midnightApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ...env });
  t.clock.now = NOW;
  insertViews(t.services.db, [
    view({ visitor_id: "early", session_id: "s0", created_at: "2026-11-20T00:59:00.000Z" }),
    view({ visitor_id: "v4", session_id: "s4", created_at: "2026-11-20T01:30:00.000Z" }),
    view({ visitor_id: "v3", session_id: "s3", created_at: "2026-11-20T22:15:00.000Z" }),
    view({
      visitor_id: "v1",
      session_id: "s1",
      path: "/a",
      created_at: "2026-11-20T23:58:30.000Z",
      referrer_domain: "news.ycombinator.com",
      referrer_type: "social",
    }),
    view({
      visitor_id: "v2",
      session_id: "s2",
      path: "/b",
      created_at: "2026-11-21T00:05:10.000Z",
      country_code: "SE",
    }),
    view({
      visitor_id: "bot",
      session_id: "sb",
      created_at: "2026-11-21T00:08:00.000Z",
      bot_score: 90,
    }),
    view({
      visitor_id: "v2",
      session_id: "s2",
      path: "/c",
      created_at: "2026-11-21T00:09:59.000Z",
      country_code: "SE",
    }),
  ]);
  insertEvents(t.services.db, [
    event({
      event_type: "pageview_end",
      visitor_id: "v1",
      session_id: "s1",
      engaged_ms: 1000,
      created_at: "2026-11-20T23:59:00.000Z",
    }),
    event({
      event_type: "custom",
      event_name: "signup",
      visitor_id: "v2",
      session_id: "s2",
      data: '{"name":"signup","plan":"pro"}',
      created_at: "2026-11-21T00:06:00.000Z",
    }),
  ]);
  return t;
}

type Bucket = { t: string; count: number; minute?: string; hour?: string };

function nonZero(buckets: Bucket[], label: "minute" | "hour"): Record<string, number> {
  return Object.fromEntries(buckets.filter((b) => b.count > 0).map((b) => [b[label], b.count]));
}

function assertOrdered(buckets: Bucket[], stepMs: number, first: string, last: string): void {
  assert.equal(buckets[0].t, first);
  assert.equal(buckets[buckets.length - 1].t, last);
  for (let i = 1; i < buckets.length; i++) {
    assert.equal(Date.parse(buckets[i].t) - Date.parse(buckets[i - 1].t), stepMs);
  }
}

async function checkCharts(t: TestApp): Promise<void> {
  const d = await getJson(t, `/api/stats/dashboard?site_id=${SITE}`);
  assert.equal(d.generated_at, "2026-11-21T00:10:00.000Z");
  for (const series of [d.hourly.visitors, d.hourly.views, d.hourly.events]) {
    assert.equal(series.length, 60);
    assertOrdered(series, 60_000, "2026-11-20T23:11:00.000Z", "2026-11-21T00:10:00.000Z");
  }
  assert.equal(d.hourly.views[0].minute, "23:11");
  assert.equal(d.hourly.views[59].minute, "00:10");
  assert.deepEqual(nonZero(d.hourly.views, "minute"), { "23:58": 1, "00:05": 1, "00:09": 1 });
  assert.deepEqual(nonZero(d.hourly.visitors, "minute"), { "23:58": 1, "00:05": 1, "00:09": 1 });
  assert.deepEqual(nonZero(d.hourly.events, "minute"), { "23:59": 1, "00:06": 1 });

  for (const series of [d.daily.visitors, d.daily.views, d.daily.events]) {
    assert.equal(series.length, 24);
    assertOrdered(series, 3_600_000, "2026-11-20T01:00:00.000Z", "2026-11-21T00:00:00.000Z");
  }
  assert.equal(d.daily.views[0].hour, "01:00");
  assert.equal(d.daily.views[23].hour, "00:00");
  // 00:59 on the 20th is older than 24 h; the bot never counts.
  assert.deepEqual(nonZero(d.daily.views, "hour"), {
    "01:00": 1,
    "22:00": 1,
    "23:00": 1,
    "00:00": 2,
  });
  assert.deepEqual(nonZero(d.daily.visitors, "hour"), {
    "01:00": 1,
    "22:00": 1,
    "23:00": 1,
    "00:00": 1,
  });
  assert.deepEqual(nonZero(d.daily.events, "hour"), { "23:00": 1, "00:00": 1 });
}

Deno.test("dashboard: charts zero-filled and ordered across midnight, without rollups", async () => {
  await checkCharts(await midnightApp());
});

Deno.test("dashboard: the same charts from the hourly rollup, plus rows written after it", async () => {
  const t = await midnightApp();
  await refreshRollups(t.services);
  await checkCharts(t);
  // A new view after the build is counted at once (the live delta above the watermark).
  insertViews(t.services.db, [
    view({ visitor_id: "v9", session_id: "s9", created_at: "2026-11-21T00:09:30.000Z" }),
    view({ visitor_id: "v2", session_id: "s2", created_at: "2026-11-21T00:09:40.000Z" }),
  ]);
  const d = await getJson(t, `/api/stats/dashboard?site_id=${SITE}`);
  assert.equal(d.daily.views[23].count, 4);
  assert.equal(d.daily.visitors[23].count, 2, "v2 was already counted in that hour");
  assert.equal(d.hourly.views[59].count, 0, "00:10");
  assert.equal(d.hourly.views[58].count, 3, "00:09");
  assert.equal(d.hourly.visitors[58].count, 2);
});

Deno.test("dashboard: now, recent visitors and recent events", async () => {
  const t = await midnightApp();
  const d = await getJson(t, `/api/stats/dashboard?site_id=${SITE}`);
  assert.deepEqual(d.now, { activeVisitors: 1, estimatedBots: 1, pageviews: 2, windowMinutes: 5 });
  assert.deepEqual(
    d.recentVisitors.map((v: { visitor_id: string; views: number; path: string }) => [
      v.visitor_id,
      v.views,
      v.path,
    ]),
    [["v2", 2, "/c"], ["v1", 1, "/a"]],
  );
  assert.equal(d.recentVisitors[0].last_seen, "2026-11-21T00:09:59.000Z");
  assert.equal(d.recentVisitors[0].country_code, "SE");
  assert.deepEqual(
    d.recentEvents.map((e: { event_type: string }) => e.event_type),
    ["custom", "pageview_end"],
  );
  assert.deepEqual(d.recentEvents[0].data, { name: "signup", plan: "pro" });
  assert.equal(d.recentEvents[0].visitor_id, "v2");

  const empty = await getJson(t, "/api/stats/dashboard?site_id=nobody");
  assert.equal(empty.hourly.views.length, 60);
  assert.ok(empty.daily.views.every((b: Bucket) => b.count === 0));
  assert.deepEqual(empty.recentVisitors, []);
});

Deno.test("dashboard: public mode leaves out the recent visitors and events (per-row records)", async () => {
  const t = await midnightApp({ ECHELON_PUBLIC_MODE: "true" });
  const res = await t.request(`/api/stats/dashboard?site_id=${SITE}`);
  assert.equal(res.status, 200);
  const d = await res.json();
  assert.deepEqual(Object.keys(d).sort(), [
    "daily",
    "generated_at",
    "hourly",
    "now",
    "site_id",
    "timezone",
  ]);
  assert.equal(d.hourly.views.length, 60);
  assert.ok(d.daily.views.some((b: Bucket) => b.count > 0));
});

Deno.test("realtime: active visitors of the last 5 minutes, their pages, referrers, countries", async () => {
  const t = await midnightApp();
  t.clock.now = Date.parse("2026-11-21T00:03:00.000Z");
  const before = await getJson(t, `/api/stats/realtime?site_id=${SITE}`);
  assert.deepEqual(
    [before.active_visitors, before.pageviews, before.window_minutes],
    [1, 1, 5],
  );
  assert.deepEqual(before.active_paths, [{ path: "/a", views: 1, visitors: 1 }]);
  assert.deepEqual(before.referrers, [
    { referrer_domain: "news.ycombinator.com", views: 1, visitors: 1 },
  ]);

  t.clock.now = NOW;
  const r = await getJson(t, `/api/stats/realtime?site_id=${SITE}`);
  assert.deepEqual([r.site_id, r.active_visitors, r.pageviews], [SITE, 1, 2]);
  assert.deepEqual(r.active_paths, [
    { path: "/b", views: 1, visitors: 1 },
    { path: "/c", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(r.countries, [{ country_code: "SE", views: 2, visitors: 1 }]);
  assert.deepEqual(r.referrers, []);
});
