// GET /api/stats/overview on the fixture of tests/_stats_fixture.ts: every figure asserted, from
// rollups, from the live delta of today, with filters (raw rows) and with compare=previous.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { b64, beaconUrl, BROWSER_HEADERS, flush, hit, SESSION, verifiedQuery } from "./_collect.ts";
import { D0, D1, D2, event, getJson, insertFixture, SECRET, SITE, view } from "./_stats_fixture.ts";

async function fixtureApp(options: { rollups?: boolean } = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  if (options.rollups !== false) await refreshRollups(t.services);
  return t;
}

const overview = (t: TestApp, query: string) =>
  getJson(t, `/api/stats/overview?site_id=${SITE}&${query}`);

Deno.test("overview: headline figures, every top list, vitals and the trend (D1..D2)", async () => {
  const t = await fixtureApp();
  const o = await overview(t, "days=2");
  assert.equal(o.source.kind, "rollup");
  assert.equal(o.source.today_built_at, "2026-11-20T12:00:00.000Z");
  assert.deepEqual(
    [o.site_id, o.from, o.to, o.period_days, o.timezone],
    [SITE, D1, D2, 2, "UTC"],
  );
  assert.deepEqual({
    visits: o.visits,
    pageviews: o.pageviews,
    unique_visitors: o.unique_visitors,
    sessions: o.sessions,
    bounces: o.bounces,
    bounce_rate: o.bounce_rate,
    pages_per_session: o.pages_per_session,
    avg_session_ms: o.avg_session_ms,
    avg_interaction_ms: o.avg_interaction_ms,
    avg_engagement_ms: o.avg_engagement_ms,
    avg_scroll_pct: o.avg_scroll_pct,
    events: o.events,
  }, {
    visits: 13,
    pageviews: 13,
    // 5 distinct on the 19th + 3 on the 20th (v5 got a new daily id at midnight: counted twice).
    unique_visitors: 8,
    // s1-s5 started on the 19th (s5 crossed midnight: once), s6 and s7 on the 20th.
    sessions: 7,
    bounces: 3,
    bounce_rate: 42.9,
    pages_per_session: 1.86,
    // 2 + 0 + 5 + 0 + 20 + 30 + 0 minutes over 7 sessions.
    avg_session_ms: 488_571,
    avg_interaction_ms: 1000,
    avg_engagement_ms: 15_750,
    avg_scroll_pct: 62.5,
    events: 26,
  });
  assert.deepEqual(o.top_paths, [
    { path: "/", views: 6, visitors: 6 },
    { path: "/pricing", views: 4, visitors: 4 },
    { path: "/blog", views: 1, visitors: 1 },
    { path: "/docs", views: 1, visitors: 1 },
    { path: "/signup", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.entry_pages, [
    { path: "/", sessions: 5, bounces: 2, bounce_rate: 40 },
    { path: "/blog", sessions: 1, bounces: 1, bounce_rate: 100 },
    { path: "/pricing", sessions: 1, bounces: 0, bounce_rate: 0 },
  ]);
  assert.deepEqual(o.exit_pages, [
    { path: "/", sessions: 3 },
    { path: "/pricing", sessions: 2 },
    { path: "/blog", sessions: 1 },
    { path: "/signup", sessions: 1 },
  ]);
  assert.deepEqual(o.referrers, [
    { referrer_type: "internal", views: 6, visitors: 4 },
    { referrer_type: "direct_or_unknown", views: 4, visitors: 4 },
    { referrer_type: "search", views: 2, visitors: 2 },
    { referrer_type: "social", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.referrer_domains, [
    { domain: "google.com", views: 2, visitors: 2 },
    { domain: "t.co", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.utm_sources, [{ utm_source: "twitter", views: 1, visitors: 1 }]);
  assert.deepEqual(o.utm_mediums, [{ utm_medium: "social", views: 1, visitors: 1 }]);
  assert.deepEqual(o.utm_campaigns, [{ utm_campaign: "launch", views: 1, visitors: 1 }]);
  assert.deepEqual(o.countries, [
    { country_code: "FI", visits: 6, visitors: 3 },
    { country_code: "GB", visits: 3, visitors: 2 },
    { country_code: "DE", visits: 2, visitors: 1 },
    { country_code: "SE", visits: 1, visitors: 1 },
    { country_code: "US", visits: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.devices, [
    { device_type: "desktop", visits: 11, visitors: 6 },
    { device_type: "mobile", visits: 1, visitors: 1 },
    { device_type: "tablet", visits: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.os_systems, [
    { os_name: "Windows", views: 9, visitors: 5 },
    { os_name: "macOS", views: 2, visitors: 1 },
    { os_name: "iOS", views: 1, visitors: 1 },
    { os_name: "iPadOS", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.browsers, [
    { browser: "Chrome", views: 9, visitors: 5 },
    { browser: "Safari", views: 4, visitors: 3 },
  ]);
  assert.deepEqual(o.resolutions, [
    { resolution: "1920x1080", views: 9, visitors: 5 },
    { resolution: "1440x900", views: 2, visitors: 1 },
    { resolution: "390x844", views: 1, visitors: 1 },
    { resolution: "820x1180", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.screen_classes, [
    { screen_class: "xxl", views: 9, visitors: 5 },
    { screen_class: "xl", views: 2, visitors: 1 },
    { screen_class: "md", views: 1, visitors: 1 },
    { screen_class: "xs", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.outbound_links, [
    { url: "https://partner.example/", clicks: 2, visitors: 1 },
    { url: "https://other.example/", clicks: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.downloads, [
    { url: "https://shop.example/files/guide.pdf", clicks: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.events_by_type, [
    { event_type: "web_vital", count: 12, visitors: 5 },
    { event_type: "custom", count: 4, visitors: 3 },
    { event_type: "pageview_end", count: 4, visitors: 3 },
    { event_type: "outbound", count: 3, visitors: 2 },
    { event_type: "bounce", count: 2, visitors: 2 },
    { event_type: "download", count: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.custom_events, [
    { event_name: "signup", count: 2, visitors: 2 },
    { event_name: "api_sync", count: 1, visitors: 1 },
    { event_name: "purchase", count: 1, visitors: 1 },
  ]);
  assert.deepEqual(o.scroll_depth, [
    { depth: 25, pageviews: 1 },
    { depth: 50, pageviews: 1 },
    { depth: 75, pageviews: 1 },
    { depth: 100, pageviews: 1 },
  ]);
  assert.deepEqual(o.web_vitals, {
    LCP: { samples: 5, p50: 3072, p75: 4096, p95: 5120, good: 2, needs_improvement: 1, poor: 2 },
    CLS: { samples: 3, p50: 100, p75: 320, p95: 320, good: 2, needs_improvement: 0, poor: 1 },
    // 520 ms is reported as its bucket, 512 (1/32 of its power of two).
    INP: { samples: 4, p50: 48, p75: 56, p95: 512, good: 3, needs_improvement: 0, poor: 1 },
  });
  assert.deepEqual(o.daily_trend, [
    { date: D1, visits: 8, visitors: 5, sessions: 5, bounces: 2, events: 23 },
    { date: D2, visits: 5, visitors: 3, sessions: 2, bounces: 1, events: 3 },
  ]);
  assert.equal(o.previous, undefined);
});

Deno.test("overview: ranges — default 30 days zero-filled, days=3, from/to, limit", async () => {
  const t = await fixtureApp();
  const month = await overview(t, "");
  assert.equal(month.period_days, 30);
  assert.equal(month.from, "2026-10-22");
  assert.equal(month.daily_trend.length, 30);
  assert.deepEqual(month.daily_trend[0], {
    date: "2026-10-22",
    visits: 0,
    visitors: 0,
    sessions: 0,
    bounces: 0,
    events: 0,
  });
  assert.equal(month.visits, 14);
  const three = await overview(t, "days=3");
  assert.deepEqual(
    [three.visits, three.unique_visitors, three.sessions, three.bounces],
    [14, 9, 8, 4],
  );
  const past = await overview(t, `from=${D0}&to=${D1}`);
  assert.deepEqual([past.from, past.to, past.visits, past.sessions], [D0, D1, 9, 6]);
  assert.equal(past.source.today_built_at, undefined, "no live part for a past range");
  const limited = await overview(t, "days=2&limit=1");
  assert.deepEqual(limited.top_paths, [{ path: "/", views: 6, visitors: 6 }]);
  assert.equal(limited.countries.length, 1);
});

Deno.test("overview: compare=previous gives the previous period and the changes", async () => {
  const t = await fixtureApp();
  const o = await overview(t, "days=1&compare=previous");
  assert.deepEqual([o.from, o.to, o.visits, o.sessions, o.bounce_rate], [D2, D2, 5, 2, 50]);
  assert.equal(o.previous.from, D1);
  assert.equal(o.previous.to, D1);
  assert.deepEqual(
    [o.previous.visits, o.previous.unique_visitors, o.previous.sessions, o.previous.bounce_rate],
    [8, 5, 5, 40],
  );
  assert.deepEqual(o.previous.daily_trend, [
    { date: D1, visits: 8, visitors: 5, sessions: 5, bounces: 2, events: 23 },
  ]);
  assert.deepEqual(o.deltas.visits, { current: 5, previous: 8, change: -3, change_pct: -37.5 });
  assert.deepEqual(o.deltas.unique_visitors, {
    current: 3,
    previous: 5,
    change: -2,
    change_pct: -40,
  });
  assert.deepEqual(o.deltas.sessions, { current: 2, previous: 5, change: -3, change_pct: -60 });
  assert.deepEqual(o.deltas.bounce_rate, {
    current: 50,
    previous: 40,
    change: 10,
    change_pct: 25,
  });
  const empty = await overview(t, `from=2026-11-01&to=2026-11-02&compare=previous`);
  assert.deepEqual(empty.deltas.visits, { current: 0, previous: 0, change: 0, change_pct: null });
});

Deno.test("overview: bot-scored views and excluded visitors never count", async () => {
  const t = await fixtureApp();
  const o = await overview(t, "days=2");
  const raw = t.services.db.get<{ n: number }>(
    "SELECT COUNT(*) AS n FROM visitor_views WHERE created_at >= ?",
    `${D1}T00:00:00.000Z`,
  )!;
  assert.equal(raw.n, 16, "16 stored views in the range, 3 of them bot or excluded");
  assert.equal(o.visits, 13);
  assert.equal(o.avg_engagement_ms, 15_750, "the excluded visitor's 99 s engagement is left out");
  assert.ok(!o.custom_events.some((e: { count: number }) => e.count > 2), "bot signup left out");
});

Deno.test("overview: filters read raw rows (path, country, device, referrer, utm)", async () => {
  const t = await fixtureApp();
  const pricing = await overview(t, "days=2&path=/pricing");
  assert.deepEqual(pricing.source, { kind: "raw", raw_from: "2026-08-22" });
  assert.deepEqual(pricing.filters, { path: "/pricing" });
  assert.deepEqual([pricing.visits, pricing.unique_visitors], [4, 4]);
  assert.deepEqual(pricing.top_paths, [{ path: "/pricing", views: 4, visitors: 4 }]);
  // Sessions that include /pricing: s1, s3, s5 (crossing midnight) and s6, all their pages.
  assert.deepEqual([pricing.sessions, pricing.bounces, pricing.pages_per_session], [4, 0, 2.5]);
  assert.deepEqual(pricing.entry_pages, [
    { path: "/", sessions: 3, bounces: 0, bounce_rate: 0 },
    { path: "/pricing", sessions: 1, bounces: 0, bounce_rate: 0 },
  ]);
  // Events of the visitors who saw /pricing: v1 (9), v3 (4), v6 (3).
  assert.equal(pricing.events, 16);
  assert.deepEqual(pricing.daily_trend.map((d: { visits: number }) => d.visits), [2, 2]);

  const finland = await overview(t, "days=2&country=fi");
  assert.deepEqual(finland.filters, { country: "FI" });
  assert.deepEqual(
    [finland.visits, finland.unique_visitors, finland.sessions, finland.bounces],
    [6, 3, 3, 1],
  );
  assert.deepEqual(finland.countries, [{ country_code: "FI", visits: 6, visitors: 3 }]);

  const mobile = await overview(t, "days=2&device=mobile");
  assert.deepEqual([mobile.visits, mobile.bounces, mobile.sessions], [1, 1, 1]);

  const google = await overview(t, "days=2&referrer=https://www.google.com/");
  assert.deepEqual(google.filters, { referrer: "google.com" });
  assert.deepEqual([google.visits, google.sessions, google.pages_per_session], [2, 2, 2.5]);

  const direct = await overview(t, "days=2&referrer=direct");
  assert.equal(direct.visits, 4);

  const launch = await overview(t, "days=2&utm_campaign=launch&utm_source=twitter");
  assert.deepEqual([launch.visits, launch.sessions], [1, 1]);
  assert.deepEqual(launch.utm_mediums, [{ utm_medium: "social", views: 1, visitors: 1 }]);

  const nobody = await overview(t, "days=2&country=unknown");
  assert.deepEqual([nobody.visits, nobody.sessions, nobody.events], [0, 0, 0]);
});

Deno.test("overview: a filtered range is clipped to raw retention", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ECHELON_RETENTION_DAYS: "1" });
  insertFixture(t);
  // Rolled up while the 18th was still retained.
  await refreshRollups({ ...t.services, config: { retentionDays: 90 } });
  const o = await overview(t, "days=3&path=/");
  assert.equal(o.source.raw_from, D1);
  assert.equal(o.daily_trend[0].visits, 0, "the 18th is past retention for raw rows");
  assert.equal(o.visits, 6);
  const stored = await overview(t, "days=3");
  assert.equal(stored.daily_trend[0].visits, 1, "the rollup of the 18th still answers");
});

Deno.test("overview: today is live — rows after the rollup count at once", async () => {
  const t = await fixtureApp();
  const before = await overview(t, "days=1");
  assert.deepEqual([before.visits, before.sessions, before.bounces], [5, 2, 1]);
  const db = t.services.db;
  insertViews(db, [
    // s7 gets a second page: no longer a bounce; its exit moves to /pricing.
    view({
      visitor_id: "v7",
      session_id: "s7",
      path: "/pricing",
      created_at: `${D2}T11:59:00.000Z`,
      device_type: "tablet",
      os_name: "iPadOS",
      browser_name: "Safari",
      screen_width: 820,
      screen_height: 1180,
      country_code: "SE",
      referrer_type: "internal",
      referrer_domain: "shop.example",
    }),
    // A new visitor: a new session that bounces.
    view({
      visitor_id: "v9",
      session_id: "s9",
      path: "/about",
      created_at: `${D2}T11:59:10.000Z`,
      referrer_domain: "duckduckgo.com",
      referrer_type: "search",
    }),
    // v6 sees /pricing again: a view, not a new visitor of /pricing.
    view({
      visitor_id: "v6",
      session_id: "s6",
      path: "/pricing",
      created_at: `${D2}T11:59:30.000Z`,
      referrer_type: "internal",
      referrer_domain: "shop.example",
    }),
    view({
      visitor_id: "late-bot",
      session_id: "sl",
      created_at: `${D2}T11:59:40.000Z`,
      bot_score: 95,
    }),
  ]);
  insertEvents(db, [
    event({
      event_type: "pageview_end",
      visitor_id: "v9",
      session_id: "s9",
      engaged_ms: 4_000,
      scroll_pct: 10,
      created_at: `${D2}T11:59:50.000Z`,
    }),
    event({
      event_type: "web_vital",
      visitor_id: "v9",
      session_id: "s9",
      data: '{"metric":"LCP","value":2048}',
      created_at: `${D2}T11:59:50.000Z`,
    }),
    event({
      event_type: "custom",
      event_name: "signup",
      visitor_id: "v7",
      session_id: "s7",
      data: '{"name":"signup"}',
      created_at: `${D2}T11:59:55.000Z`,
    }),
  ]);

  const live = await overview(t, "days=1");
  assert.equal(live.source.today_built_at, "2026-11-20T12:00:00.000Z");
  assert.deepEqual(
    [live.visits, live.unique_visitors, live.sessions, live.bounces, live.pages_per_session],
    [8, 4, 3, 1, 2],
  );
  assert.deepEqual(live.top_paths, [
    { path: "/pricing", views: 4, visitors: 3 },
    { path: "/", views: 2, visitors: 2 },
    { path: "/about", views: 1, visitors: 1 },
    { path: "/docs", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(live.entry_pages, [
    { path: "/", sessions: 2, bounces: 0, bounce_rate: 0 },
    { path: "/about", sessions: 1, bounces: 1, bounce_rate: 100 },
  ]);
  assert.deepEqual(live.exit_pages, [
    { path: "/pricing", sessions: 2 },
    { path: "/about", sessions: 1 },
  ]);
  assert.deepEqual(live.custom_events, [{ event_name: "signup", count: 2, visitors: 2 }]);
  assert.equal(live.web_vitals.LCP.samples, 2);
  assert.equal(live.avg_engagement_ms, 17_000);

  // The live delta is exactly what a full rebuild gives.
  await refreshRollups(t.services);
  const rebuilt = await overview(t, "days=1");
  assert.deepEqual({ ...rebuilt, source: null }, { ...live, source: null });

  // And without any rollup at all, today is computed from its raw rows alone.
  const fresh = await fixtureApp({ rollups: false });
  const noRollup = await overview(fresh, "days=1");
  assert.equal(noRollup.source.today_built_at, null);
  assert.deepEqual({ ...noRollup, source: null }, { ...before, source: null });
});

Deno.test("overview: hits sent through /b.gif and /e appear without waiting for a job", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  // A real browser's hits: a valid token and trusted input (counted), the token on the events too.
  const { tok, it } = verifiedQuery(t);
  await hit(t, beaconUrl({ p: b64("/start"), tok, it }));
  t.clock.now += 30_000;
  await hit(t, beaconUrl({ p: b64("/next"), tok, it }));
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify({
      siteId: "shop",
      tok,
      events: [
        {
          type: "pageview_end",
          data: { engaged_ms: 4200, scroll_pct: 80, path: "/start" },
          sessionId: SESSION,
        },
        { type: "custom", data: { name: "signup", path: "/next" }, sessionId: SESSION },
      ],
    }),
  });
  assert.equal(res.status, 204);
  await flush(t);
  const o = await overview(t, "days=1");
  assert.deepEqual(
    [o.visits, o.unique_visitors, o.sessions, o.bounces, o.avg_engagement_ms, o.avg_scroll_pct],
    [2, 1, 1, 0, 4200, 80],
  );
  assert.deepEqual(o.top_paths.map((p: { path: string }) => p.path), ["/next", "/start"]);
  assert.deepEqual(o.entry_pages[0].path, "/start");
  assert.deepEqual(o.custom_events, [{ event_name: "signup", count: 1, visitors: 1 }]);
  assert.deepEqual(o.countries.length, 1);
});
