// UTM campaigns through the API: CRUD with validation and conflicts, the collectors' whitelist
// (and ECHELON_UTM_RECORD_ALL) asserted on stored rows, the report figures for a fixture whose
// answers are worked out by hand, and public mode refusing every write.
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { b64, beaconUrl, BROWSER_HEADERS, events, hit, SESSION, views } from "./_collect.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { seedReportFixture } from "./_campaigns.ts";

const SECRET = TEST_SECRET;
const ENV = { ECHELON_SECRET: SECRET, ECHELON_DEBUG: "true" };

async function api(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> & Record<string, unknown>[] }> {
  const res = await t.request(path, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function campaignRows(t: TestApp) {
  return t.services.db.all(
    "SELECT id, name, utm_campaign, site_id, status FROM utm_campaigns ORDER BY id",
  ).map((row) => ({ ...row }));
}

Deno.test("campaigns API: create, list, read, rename, change status, delete", async () => {
  const t = await createTestApp(ENV);
  const created = await api(t, "POST", "/api/campaigns", {
    utm_campaign: "Spring Sale 2026",
    name: "Spring sale",
    site_id: "Shop",
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.created, "spring-sale-2026");
  assert.deepEqual(campaignRows(t), [{
    id: "spring-sale-2026",
    name: "Spring sale",
    utm_campaign: "Spring Sale 2026",
    site_id: "shop",
    status: "active",
  }]);
  assert.deepEqual(
    t.services.db.all<{ created_at: string }>("SELECT created_at FROM utm_campaigns")
      .map((row) => row.created_at),
    [new Date(t.clock.now).toISOString()],
    "registered at the service clock's time",
  );
  // Defaults: the name is the value, the site "default"; a second id from the same value gets -2.
  const second = await api(t, "POST", "/api/campaigns", {
    utm_campaign: "spring sale 2026",
    status: "paused",
  });
  assert.equal(second.status, 201);
  assert.equal(second.json.created, "spring-sale-2026-2");
  const explicit = await api(t, "POST", "/api/campaigns", {
    id: "Launch.1",
    utm_campaign: "launch",
    site_id: "shop",
  });
  assert.equal(explicit.json.created, "Launch.1");

  const list = await api(t, "GET", "/api/campaigns");
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.map((c) => c.id).sort(), [
    "Launch.1",
    "spring-sale-2026",
    "spring-sale-2026-2",
  ]);
  assert.deepEqual(
    Object.keys(list.json[0]).sort(),
    [
      "bounce_rate",
      "bounces",
      "created_at",
      "id",
      "name",
      "sessions",
      "site_id",
      "status",
      "utm_campaign",
      "views",
      "visitors",
    ],
  );
  const shopOnly = await api(t, "GET", "/api/campaigns?site_id=shop&status=active");
  assert.deepEqual(shopOnly.json.map((c) => c.id).sort(), ["Launch.1", "spring-sale-2026"]);
  const paused = await api(t, "GET", "/api/campaigns?status=paused");
  assert.deepEqual(paused.json.map((c) => c.id), ["spring-sale-2026-2"]);

  const one = await api(t, "GET", "/api/campaigns/spring-sale-2026?days=7");
  assert.equal(one.status, 200);
  assert.equal(one.json.utm_campaign, "Spring Sale 2026");
  assert.equal(one.json.views, 0);
  assert.deepEqual(one.json.period, { from: "2026-11-14", to: "2026-11-20" });

  const patched = await api(t, "PATCH", "/api/campaigns/spring-sale-2026", {
    name: "  Spring \u0007sale (EU) ",
    status: "archived",
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.updated, "spring-sale-2026");
  const stored = campaignRows(t).find((r) => r.id === "spring-sale-2026");
  assert.equal(stored?.name, "Spring sale (EU)");
  assert.equal(stored?.status, "archived");
  // Any status may follow any other (no state machine for campaigns).
  for (const status of ["paused", "active", "archived", "active"]) {
    const res = await api(t, "PATCH", "/api/campaigns/spring-sale-2026", { status });
    assert.equal(res.status, 200, status);
  }

  const deleted = await api(t, "DELETE", "/api/campaigns/spring-sale-2026");
  assert.deepEqual([deleted.status, deleted.json.deleted], [200, "spring-sale-2026"]);
  assert.equal((await api(t, "GET", "/api/campaigns/spring-sale-2026")).status, 404);
  assert.equal((await api(t, "DELETE", "/api/campaigns/spring-sale-2026")).status, 404);
  assert.equal((await api(t, "PATCH", "/api/campaigns/nope", { status: "active" })).status, 404);
  assert.equal(campaignRows(t).length, 2);
});

Deno.test("campaigns API: invalid input is 400 naming the field, and nothing is stored", async () => {
  const t = await createTestApp(ENV);
  const cases: [unknown, RegExp][] = [
    [{}, /utm_campaign: required/],
    [{ utm_campaign: "   " }, /utm_campaign: required/],
    [{ utm_campaign: 42 }, /utm_campaign: must be text/],
    [{ utm_campaign: "x".repeat(257) }, /utm_campaign: at most 256/],
    [{ utm_campaign: "x", name: "n".repeat(300) }, /name: at most 256/],
    [{ utm_campaign: "x", site_id: "bad site!" }, /site_id: "bad site!" is not a site id/],
    [{ utm_campaign: "x", status: "running" }, /status: must be one of active, paused, archived/],
    [{ utm_campaign: "x", id: "has space" }, /id: "has space"/],
    [[{ utm_campaign: "x" }], /Expected a JSON object/],
    ["{not json", /not valid JSON/],
  ];
  for (const [body, message] of cases) {
    const res = await api(t, "POST", "/api/campaigns", body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(String(res.json.message), message, JSON.stringify(body));
  }
  const big = await api(t, "POST", "/api/campaigns", { utm_campaign: "x", name: "y".repeat(5000) });
  assert.equal(big.status, 413);
  assert.deepEqual(campaignRows(t), []);

  await api(t, "POST", "/api/campaigns", { utm_campaign: "keep", site_id: "shop" });
  const patches: [unknown, RegExp][] = [
    [{}, /Nothing to change/],
    [{ status: "live" }, /status: must be one of/],
    [{ name: "" }, /name: must not be empty/],
    [{ utm_campaign: "other" }, /utm_campaign: cannot be changed/],
    [{ site_id: "blog" }, /site_id: cannot be changed/],
  ];
  for (const [body, message] of patches) {
    const res = await api(t, "PATCH", "/api/campaigns/keep", body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(String(res.json.message), message);
  }
  assert.deepEqual(campaignRows(t), [{
    id: "keep",
    name: "keep",
    utm_campaign: "keep",
    site_id: "shop",
    status: "active",
  }]);
  const badId = await api(t, "GET", "/api/campaigns/bad%20id");
  assert.deepEqual([badId.status, badId.json.error], [400, "invalid_id"]);
  const badFilter = await api(t, "GET", "/api/campaigns?status=nope");
  assert.deepEqual([badFilter.status, badFilter.json.error], [400, "invalid_param"]);
  const badRange = await api(t, "GET", "/api/campaigns?days=0");
  assert.equal(badRange.status, 400);
});

Deno.test("campaigns API: the same utm_campaign twice on one site, or a taken id, is 409", async () => {
  const t = await createTestApp(ENV);
  assert.equal(
    (await api(t, "POST", "/api/campaigns", { utm_campaign: "spring", site_id: "shop" })).status,
    201,
  );
  const dup = await api(t, "POST", "/api/campaigns", {
    utm_campaign: "spring",
    site_id: "SHOP",
    name: "again",
  });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error, "conflict");
  assert.match(
    String(dup.json.message),
    /already registered for site "shop" \(campaign "spring"\)/,
  );
  // The same value on another site is another campaign; values are compared exactly.
  assert.equal(
    (await api(t, "POST", "/api/campaigns", { utm_campaign: "spring", site_id: "blog" })).status,
    201,
  );
  assert.equal(
    (await api(t, "POST", "/api/campaigns", { utm_campaign: "Spring", site_id: "shop" })).status,
    201,
  );
  const takenId = await api(t, "POST", "/api/campaigns", { id: "spring", utm_campaign: "other" });
  assert.equal(takenId.status, 409);
  assert.match(String(takenId.json.message), /id "spring" already exists/);
  assert.deepEqual(campaignRows(t).map((r) => [r.id, r.utm_campaign, r.site_id]), [
    ["spring", "spring", "shop"],
    ["spring-2", "spring", "blog"],
    ["spring-3", "Spring", "shop"],
  ]);
});

function postEvents(t: TestApp, utmCampaign: string) {
  return t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
    body: JSON.stringify({
      siteId: "shop",
      events: [{ type: "click", data: { path: "/pricing" }, sessionId: SESSION, utmCampaign }],
    }),
  });
}

const UTM_ROW = (r: Record<string, unknown>) => [
  r.utm_campaign,
  r.utm_source,
  r.utm_medium,
  r.utm_content,
  r.utm_term,
];

Deno.test("whitelist: UTM kept for an active campaign, dropped for unknown and paused ones, following API changes at once", async () => {
  const t = await createTestApp(ENV);
  // Registered through the API: the next hit already sees it (no cache timer to wait for).
  await api(t, "POST", "/api/campaigns", { utm_campaign: "spring", site_id: "shop" });
  await api(t, "POST", "/api/campaigns", { utm_campaign: "other-site", site_id: "blog" });
  const tagged = (campaign: string) =>
    beaconUrl({
      p: b64(`/landing?utm_campaign=${campaign}&utm_source=newsletter&utm_medium=email`),
      uct: b64("hero"),
      ut: b64("shoes"),
    });
  await hit(t, tagged("spring"));
  await hit(t, tagged("unknown"));
  await hit(t, tagged("other-site")); // registered for another site only
  await hit(t, beaconUrl({ us: b64("newsletter") })); // a source without a campaign
  await postEvents(t, "spring");
  await postEvents(t, "unknown");

  await api(t, "PATCH", "/api/campaigns/spring", { status: "paused" });
  await hit(t, tagged("spring"));
  await postEvents(t, "spring");
  await api(t, "PATCH", "/api/campaigns/spring", { status: "active" });
  await hit(t, tagged("spring"));
  await api(t, "DELETE", "/api/campaigns/spring");
  await hit(t, tagged("spring"));

  const stored = await views(t);
  assert.deepEqual(stored.map(UTM_ROW), [
    ["spring", "newsletter", "email", "hero", "shoes"],
    [null, null, null, null, null],
    [null, null, null, null, null],
    [null, null, null, null, null],
    [null, null, null, null, null], // paused
    ["spring", "newsletter", "email", "hero", "shoes"], // active again
    [null, null, null, null, null], // deleted
  ]);
  assert.ok(stored.every((r) => r.path === "/landing" || r.path === "/pricing"));
  assert.deepEqual((await events(t)).map((r) => r.utm_campaign), ["spring", null, null]);
});

Deno.test("whitelist: ECHELON_UTM_RECORD_ALL=true records every UTM value", async () => {
  const t = await createTestApp({ ...ENV, ECHELON_UTM_RECORD_ALL: "true" });
  await api(t, "POST", "/api/campaigns", { utm_campaign: "paused-one", status: "paused" });
  await hit(t, beaconUrl({ p: b64("/a?utm_campaign=anything&utm_source=x&utm_term=t") }));
  await hit(t, beaconUrl({ uc: b64("paused-one"), um: b64("cpc") }));
  await hit(t, beaconUrl({ us: b64("newsletter") }));
  await hit(t, beaconUrl({}));
  await postEvents(t, "anything");
  assert.deepEqual((await views(t)).map(UTM_ROW), [
    ["anything", "x", null, null, "t"],
    ["paused-one", null, "cpc", null, null],
    [null, "newsletter", null, null, null],
    [null, null, null, null, null],
  ]);
  assert.deepEqual((await events(t)).map((r) => r.utm_campaign), ["anything"]);
});

Deno.test("config: ECHELON_UTM_RECORD_ALL is parsed strictly", () => {
  assert.equal(loadConfig({}).utmRecordAll, false);
  assert.equal(loadConfig({ ECHELON_UTM_RECORD_ALL: "1" }).utmRecordAll, true);
  assert.equal(loadConfig({ ECHELON_UTM_RECORD_ALL: "false" }).utmRecordAll, false);
  assert.throws(
    () => loadConfig({ ECHELON_UTM_RECORD_ALL: "sometimes" }),
    (error: unknown) => error instanceof ConfigError && error.variable === "ECHELON_UTM_RECORD_ALL",
  );
});

Deno.test("stats: a campaign's report, figures worked out by hand, trend zero-filled", async () => {
  const t = await createTestApp(ENV);
  seedReportFixture(t);
  const { status, json: r } = await api(t, "GET", "/api/stats/campaigns?id=spring&days=7");
  assert.equal(status, 200);
  assert.equal(r.campaign_id, "spring");
  assert.deepEqual(r.period, { from: "2026-11-14", to: "2026-11-20" });
  // Visitors: {v1, v2} on the 18th + {v1, v3} on the 20th (ids rotate daily).
  assert.deepEqual(
    [r.views, r.visitors, r.sessions, r.bounces, r.bounce_rate],
    [5, 4, 4, 3, 75],
  );
  assert.deepEqual(
    [r.events, r.event_visitors, r.conversions, r.conversion_rate],
    [4, 3, 2, 50],
  );
  assert.deepEqual(r.bySource, [
    { utm_source: "newsletter", views: 3, visitors: 2 },
    { utm_source: "direct", views: 1, visitors: 1 },
    { utm_source: "twitter", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(r.byMedium, [
    { utm_medium: "none", views: 2, visitors: 2 },
    { utm_medium: "email", views: 2, visitors: 1 },
    { utm_medium: "social", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(r.byContent, [{ utm_content: "hero", views: 1, visitors: 1 }]);
  assert.deepEqual(r.byTerm, [{ utm_term: "shoes", views: 1, visitors: 1 }]);
  assert.deepEqual(r.topPaths, [
    { path: "/landing", views: 3, visitors: 3 },
    { path: "/blog", views: 1, visitors: 1 },
    { path: "/pricing", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(r.landingPages, [
    { path: "/landing", sessions: 3, bounces: 2, bounce_rate: 66.7 },
    { path: "/blog", sessions: 1, bounces: 1, bounce_rate: 100 },
  ]);
  assert.deepEqual(r.dailyTrend, [
    { date: "2026-11-14", views: 0, visitors: 0 },
    { date: "2026-11-15", views: 0, visitors: 0 },
    { date: "2026-11-16", views: 0, visitors: 0 },
    { date: "2026-11-17", views: 0, visitors: 0 },
    { date: "2026-11-18", views: 3, visitors: 2 },
    { date: "2026-11-19", views: 0, visitors: 0 },
    { date: "2026-11-20", views: 2, visitors: 2 },
  ]);
  assert.deepEqual(r.eventsByType, [
    { event_type: "custom", count: 3, unique_visitors: 2 },
    { event_type: "click", count: 1, unique_visitors: 1 },
  ]);
  assert.deepEqual(r.eventsByName, [
    { event_name: "signup", count: 2, unique_visitors: 1 },
    { event_name: "purchase", count: 1, unique_visitors: 1 },
  ]);

  // An explicit range that leaves the 20th out.
  const earlier =
    (await api(t, "GET", "/api/stats/campaigns?id=spring&from=2026-11-17&to=2026-11-19"))
      .json;
  assert.deepEqual([earlier.views, earlier.visitors, earlier.sessions], [3, 2, 2]);
  assert.deepEqual((earlier.dailyTrend as { views: number }[]).map((d) => d.views), [0, 3, 0]);
  assert.equal((await api(t, "GET", "/api/stats/campaigns?id=missing")).status, 404);
});

Deno.test("stats: the campaign list carries each campaign's figures for the period", async () => {
  const t = await createTestApp(ENV);
  seedReportFixture(t);
  const figures = (rows: Record<string, unknown>[]) =>
    Object.fromEntries(
      rows.map((r) => [r.id, [r.views, r.visitors, r.sessions, r.bounces, r.bounce_rate]]),
    );
  const all = await api(t, "GET", "/api/stats/campaigns?days=7");
  assert.deepEqual(figures(all.json), {
    spring: [5, 4, 4, 3, 75],
    autumn: [0, 0, 0, 0, 0],
    "blog-spring": [1, 1, 1, 1, 100],
  });
  const shop = await api(t, "GET", "/api/campaigns?days=7&site_id=shop&status=active");
  assert.deepEqual(figures(shop.json), { spring: [5, 4, 4, 3, 75] });
  const today = await api(t, "GET", "/api/campaigns?days=1&site_id=shop");
  assert.deepEqual(figures(today.json), { spring: [2, 2, 2, 2, 100], autumn: [0, 0, 0, 0, 0] });
  const detail = await api(t, "GET", "/api/campaigns/spring?days=30");
  assert.deepEqual([detail.json.views, detail.json.visitors], [6, 5]); // the 10th's view too
});

Deno.test("stats: campaign → event correlation per utm_campaign, organic included", async () => {
  const t = await createTestApp(ENV);
  seedReportFixture(t);
  const res = await api(t, "GET", "/api/stats/campaign-events?site_id=shop&days=7");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, [
    {
      campaign_id: "spring",
      campaign_name: "Spring",
      utm_campaign: "spring",
      visitors: 4,
      events: 4,
      event_visitors: 3,
      event_rate: 75,
      events_per_visitor: 1,
      event_types: [
        { event_type: "custom", count: 3, unique_visitors: 2 },
        { event_type: "click", count: 1, unique_visitors: 1 },
      ],
      event_names: [
        { event_name: "signup", count: 2, unique_visitors: 1 },
        { event_name: "purchase", count: 1, unique_visitors: 1 },
      ],
    },
    {
      campaign_id: null,
      campaign_name: null,
      utm_campaign: null,
      visitors: 1,
      events: 1,
      event_visitors: 1,
      event_rate: 100,
      events_per_visitor: 1,
      event_types: [{ event_type: "click", count: 1, unique_visitors: 1 }],
      event_names: [],
    },
  ]);
  const custom = await api(
    t,
    "GET",
    "/api/stats/campaign-events?site_id=shop&days=7&event_type=custom",
  );
  assert.deepEqual(
    custom.json.map((r) => [r.utm_campaign, r.events, r.event_visitors, r.event_rate]),
    [["spring", 3, 2, 50], [null, 0, 0, 0]],
  );
  const missing = await api(t, "GET", "/api/stats/campaign-events?days=7");
  assert.deepEqual([missing.status, missing.json.error], [400, "missing_param"]);
  const badType = await api(t, "GET", "/api/stats/campaign-events?site_id=shop&event_type=nope");
  assert.deepEqual([badType.status, badType.json.error], [400, "invalid_param"]);
});

Deno.test("public mode: campaigns are readable, every write is 403 read_only", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  seedReportFixture(t);
  const before = campaignRows(t);
  const write = (method: string, path: string, body?: unknown) =>
    t.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  for (
    const res of [
      await write("POST", "/api/campaigns", { utm_campaign: "new" }),
      await write("PATCH", "/api/campaigns/spring", { status: "paused" }),
      await write("DELETE", "/api/campaigns/spring"),
    ]
  ) {
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, "read_only");
  }
  assert.deepEqual(campaignRows(t), before);
  const list = await t.request("/api/campaigns?days=7");
  assert.equal(list.status, 200);
  assert.equal((await list.json()).length, 3);
  const report = await t.request("/api/stats/campaigns?id=spring&days=7");
  assert.equal((await report.json()).views, 5);
});

Deno.test("campaigns API: requires authentication", async () => {
  const t = await createTestApp(ENV);
  for (const [method, path] of [["GET", "/api/campaigns"], ["POST", "/api/campaigns"]]) {
    const res = await t.request(path, {
      method,
      body: method === "POST" ? JSON.stringify({ utm_campaign: "x" }) : undefined,
    });
    assert.equal(res.status, 401, `${method} ${path}`);
    await res.body?.cancel();
  }
  assert.deepEqual(campaignRows(t), []);
});
