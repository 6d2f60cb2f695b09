// Integration tests of the bot management API (/api/bots/*) against the in-process app: auth,
// answers on a fixture with known results, validation (400, never 500), exclusions honoured by
// the collectors at once, and the bot report after real known-bot hits and drops.
import assert from "node:assert/strict";
import { addBotTraffic, insertEvents, insertViews } from "../lib/db/collect.ts";
import { NOT_EXCLUDED_VISITOR, notExcludedPredicate } from "../lib/db/bots.ts";
import { SIGNALS } from "../lib/bots/signals.ts";
import { EVENT_COLUMNS, type EventRow, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const AUTH = { authorization: `Bearer ${SECRET}` };
const ENV = { ECHELON_SECRET: SECRET, ECHELON_DEBUG: "true" };
const NOW = Date.parse("2026-11-20T12:00:00.000Z"); // the helper's frozen clock
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const BROWSER = {
  "user-agent": CHROME_UA,
  "accept-language": "en-US,en;q=0.9",
  "sec-fetch-site": "cross-site",
};

function view(fields: Partial<ViewRow>): ViewRow {
  const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
  return Object.assign(row, {
    site_id: "site-a",
    path: "/",
    is_spa: 0,
    is_returning: 0,
    is_pwa: 0,
    device_type: "desktop",
    os_name: "Windows",
    browser_name: "Chrome",
    country_code: "FI",
    pow_verdict: "missing",
    bot_score: 15,
    bot_score_detail: JSON.stringify({ pow: 15, pow_result: "missing" }),
    created_at: ago(60),
  }, fields);
}

function event(fields: Partial<EventRow>): EventRow {
  const row = Object.fromEntries(EVENT_COLUMNS.map((c) => [c, null])) as EventRow;
  return Object.assign(row, {
    event_type: "click",
    site_id: "site-a",
    data: '{"tag":"a"}',
    is_returning: 0,
    source: "beacon",
    bot_score: 15,
    bot_score_detail: JSON.stringify({ pow: 15, pow_result: "missing" }),
    created_at: ago(59),
  }, fields);
}

async function api(
  t: TestApp,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const res = await t.request(path, { ...init, headers: { ...AUTH, ...init.headers } });
  return { status: res.status, body: await res.json() };
}

async function getJson(t: TestApp, path: string): Promise<unknown> {
  const { status, body } = await api(t, path);
  assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
  return body;
}

function postExclude(t: TestApp, body: unknown) {
  return api(t, "/api/bots/exclude", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function sendView(t: TestApp, ip = "198.51.100.20"): Promise<string | null> {
  const res = await t.request(`/b.gif?s=site-a&p=${encodeURIComponent(btoa("/pricing"))}&_v=2000`, {
    headers: BROWSER,
    ip,
  });
  await res.body?.cancel();
  return res.headers.get("x-echelon-drop");
}

async function sendEvent(t: TestApp, ip = "198.51.100.20"): Promise<string | null> {
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER, "content-type": "text/plain" },
    body: JSON.stringify({ siteId: "site-a", events: [{ type: "click", data: { path: "/" } }] }),
    ip,
  });
  assert.equal(res.status, 204);
  return res.headers.get("x-echelon-drop");
}

/** Fixture: two bots, a medium visitor, a human, and a bot older than the retention period. */
function seedVisitors(t: TestApp): void {
  insertViews(t.services.db, [
    view({ visitor_id: "bot1", bot_score: 80, created_at: ago(50), os_name: "Linux" }),
    view({ visitor_id: "bot1", bot_score: 60, created_at: ago(40), country_code: "CN" }),
    view({ visitor_id: "bot1", site_id: "site-b", bot_score: 10, device_type: "mobile" }),
    view({ visitor_id: "med", bot_score: 30, created_at: ago(30) }),
    view({ visitor_id: "med", bot_score: 30, created_at: ago(20) }),
    view({ visitor_id: "med", bot_score: 30, created_at: ago(10) }),
    view({ visitor_id: "med2", bot_score: 30, created_at: ago(5), browser_name: "Firefox" }),
    view({ visitor_id: "human", bot_score: 0, bot_score_detail: '{"pow_result":"valid"}' }),
    view({ visitor_id: "ancient", bot_score: 90, created_at: ago(91 * 24 * 60) }),
  ]);
}

const ROUTES: [method: string, path: string][] = [
  ["GET", "/api/bots/suspicious"],
  ["GET", "/api/bots/excluded"],
  ["POST", "/api/bots/exclude"],
  ["DELETE", "/api/bots/exclude/v1"],
  ["GET", "/api/bots/visitor/v1"],
  ["GET", "/api/bots/score-detail?view_id=1"],
  ["GET", "/api/bots/report"],
];

Deno.test("bots API: every route requires the bearer token", async () => {
  const t = await createTestApp(ENV);
  for (const [method, path] of ROUTES) {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { authorization: SECRET },
    ];
    for (const headers of attempts) {
      const res = await t.request(path, { method, headers, body: method === "POST" ? "{}" : null });
      assert.equal(res.status, 401, `${method} ${path} ${JSON.stringify(headers)}`);
      assert.equal((await res.json()).error, "unauthorized");
    }
  }
  assert.deepEqual(t.services.db.all("SELECT * FROM excluded_visitors"), [], "nothing written");
});

Deno.test("bots API: public mode refuses writes and shows anonymous callers no visitor", async () => {
  const t = await createTestApp({ ...ENV, ECHELON_PUBLIC_MODE: "true" });
  seedVisitors(t);
  const write = await postExclude(t, { visitor_id: "v1" });
  assert.deepEqual([write.status, (write.body as { error: string }).error], [403, "read_only"]);
  assert.deepEqual(t.services.db.all("SELECT * FROM excluded_visitors"), []);
  const perVisitor = [
    "/api/bots/visitor/bot1",
    "/api/bots/suspicious?min_score=0",
    "/api/bots/excluded",
    "/api/bots/score-detail?view_id=1",
  ];
  for (const path of perVisitor) {
    const res = await t.request(path);
    const body = await res.json();
    assert.deepEqual([res.status, body.error], [403, "not_public"], path);
    assert.ok(!JSON.stringify(body).includes("bot1"), path);
  }
  // The report is aggregates: public. The owner's bearer token still reads every visitor.
  const report = await t.request("/api/bots/report?days=1");
  assert.equal(report.status, 200);
  assert.equal((await report.json()).scored.buckets.bot, 2);
  const history = await api(t, "/api/bots/visitor/bot1");
  assert.deepEqual([history.status, (history.body as { visitor_id: string }).visitor_id], [
    200,
    "bot1",
  ]);
});

Deno.test("GET /api/bots/suspicious: per visitor, by score then views, within retention", async () => {
  const t = await createTestApp(ENV);
  seedVisitors(t);
  await postExclude(t, { visitor_id: "med" });
  assert.deepEqual(await getJson(t, "/api/bots/suspicious"), [
    {
      visitor_id: "bot1",
      max_bot_score: 80,
      pageviews: 3,
      first_seen: ago(60),
      last_seen: ago(40),
      sites: "site-a,site-b",
      devices: "desktop,mobile",
      countries: "CN,FI",
      os_names: "Linux,Windows",
      browsers: "Chrome",
      is_excluded: false,
    },
    {
      visitor_id: "med",
      max_bot_score: 30,
      pageviews: 3,
      first_seen: ago(30),
      last_seen: ago(10),
      sites: "site-a",
      devices: "desktop",
      countries: "FI",
      os_names: "Windows",
      browsers: "Chrome",
      is_excluded: true,
    },
    {
      visitor_id: "med2",
      max_bot_score: 30,
      pageviews: 1,
      first_seen: ago(5),
      last_seen: ago(5),
      sites: "site-a",
      devices: "desktop",
      countries: "FI",
      os_names: "Windows",
      browsers: "Firefox",
      is_excluded: false,
    },
  ]);
  const ids = async (query: string) =>
    ((await getJson(t, `/api/bots/suspicious?${query}`)) as { visitor_id: string }[])
      .map((r) => r.visitor_id);
  assert.deepEqual(await ids("min_score=70"), ["bot1"]);
  assert.deepEqual(await ids("limit=2"), ["bot1", "med"]);
  assert.deepEqual(await ids("limit=0"), ["bot1"], "limit is clamped to 1..200");
  assert.deepEqual(await ids("min_score=-5"), ["bot1", "med", "med2", "human"], "clamped to 0");
  assert.deepEqual(await ids("min_score=1000"), [], "clamped to 100");
  assert.deepEqual(await ids("site_id=site-b"), [], "bot1 scored 10 on site-b");
  const siteA = (await getJson(t, "/api/bots/suspicious?site_id=SITE-A&min_score=50")) as {
    pageviews: number;
    sites: string;
  }[];
  assert.deepEqual(siteA.map((r) => [r.pageviews, r.sites]), [[2, "site-a"]]);
});

Deno.test("GET /api/bots/suspicious: garbage parameters are 400, never 500", async () => {
  const t = await createTestApp(ENV);
  const cases: [query: string, code: string][] = [
    ["min_score=abc", "invalid_param"],
    ["limit=1e3", "invalid_param"],
    ["limit=%00", "invalid_param"],
    ["site_id=bad%20site", "invalid_site_id"],
    [`site_id=${"x".repeat(65)}`, "invalid_site_id"],
    ["site_id=a/b", "invalid_site_id"],
  ];
  for (const [query, code] of cases) {
    const { status, body } = await api(t, `/api/bots/suspicious?${query}`);
    assert.deepEqual([status, (body as { error: string }).error], [400, code], query);
    assert.ok((body as { message: string }).message.length > 0);
  }
});

Deno.test("POST /api/bots/exclude and GET /api/bots/excluded", async () => {
  const t = await createTestApp(ENV);
  seedVisitors(t);
  assert.deepEqual(await postExclude(t, { visitor_id: "bot1", label: "scraper" }), {
    status: 201,
    body: { excluded: "bot1" },
  });
  t.clock.now += 1000;
  assert.deepEqual(await postExclude(t, { visitor_id: "nobody" }), {
    status: 201,
    body: { excluded: "nobody" },
  });
  assert.deepEqual(await postExclude(t, { visitor_id: "bot1", label: "renamed" }), {
    status: 201,
    body: { excluded: "bot1" },
  }, "repeating is fine; the first label stays");
  assert.deepEqual(await getJson(t, "/api/bots/excluded"), [
    {
      visitor_id: "nobody",
      label: null,
      created_at: new Date(NOW + 1000).toISOString(),
      pageviews: 0,
      max_bot_score: null,
    },
    {
      visitor_id: "bot1",
      label: "scraper",
      created_at: new Date(NOW).toISOString(),
      pageviews: 3,
      max_bot_score: 80,
    },
  ]);

  // The shared predicate for the stats queries keeps excluded visitors out.
  const kept = (sql: string) =>
    t.services.db.all<{ visitor_id: string }>(sql).map((r) => r.visitor_id);
  const expected = ["ancient", "human", "med", "med2"];
  assert.deepEqual(
    kept(`SELECT DISTINCT visitor_id FROM visitor_views WHERE ${NOT_EXCLUDED_VISITOR} ORDER BY 1`),
    expected,
  );
  assert.deepEqual(
    kept(`SELECT DISTINCT v.visitor_id FROM visitor_views v
          LEFT JOIN semantic_events e ON e.visitor_id = v.visitor_id
          WHERE ${notExcludedPredicate("v.visitor_id")} ORDER BY 1`),
    expected,
  );
});

Deno.test("POST /api/bots/exclude: invalid payloads are 400", async () => {
  const t = await createTestApp(ENV);
  const cases: [body: unknown, code: string][] = [
    [{}, "invalid_payload"],
    [{ visitor_id: "" }, "invalid_payload"],
    [{ visitor_id: 42 }, "invalid_payload"],
    [{ visitor_id: "x".repeat(129) }, "invalid_payload"],
    [{ visitor_id: "v", label: "x".repeat(257) }, "invalid_payload"],
    [{ visitor_id: "v", label: 7 }, "invalid_payload"],
    [["v"], "invalid_payload"],
    ["null", "invalid_payload"],
    ["{not json", "invalid_json"],
    ["", "empty_body"],
  ];
  for (const [body, code] of cases) {
    const res = await postExclude(t, body);
    assert.deepEqual([res.status, (res.body as { error: string }).error], [400, code], `${body}`);
  }
  const big = await postExclude(t, { visitor_id: "v", label: "x".repeat(10_000) });
  assert.equal(big.status, 413);
  assert.deepEqual(t.services.db.all("SELECT * FROM excluded_visitors"), []);
  assert.deepEqual(await postExclude(t, { visitor_id: "x".repeat(128), label: "y".repeat(256) }), {
    status: 201,
    body: { excluded: "x".repeat(128) },
  }, "the limits themselves are allowed");
});

Deno.test("exclude drops the visitor's next hits at once; include stores them again", async () => {
  const t = await createTestApp(ENV);
  assert.equal(await sendView(t), null);
  await t.services.collect.views.flush();
  const { visitor_id: id } = t.services.db.get<{ visitor_id: string }>(
    "SELECT visitor_id FROM visitor_views",
  )!;

  assert.equal((await postExclude(t, { visitor_id: id, label: "me" })).status, 201);
  assert.equal(await sendView(t), "excluded_visitor");
  assert.equal(await sendEvent(t), "excluded_visitor");
  assert.equal(await sendView(t, "198.51.100.21"), null, "another visitor is unaffected");

  const removed = await api(t, `/api/bots/exclude/${encodeURIComponent(id)}`, {
    method: "DELETE",
  });
  assert.deepEqual(removed, { status: 200, body: { included: id } });
  assert.equal(await sendView(t), null);
  assert.equal(await sendEvent(t), null);

  await t.services.collect.views.flush();
  await t.services.collect.events.flush();
  const count = (sql: string) => t.services.db.get<{ n: number }>(sql, id)!.n;
  assert.equal(count("SELECT COUNT(*) AS n FROM visitor_views WHERE visitor_id = ?"), 2);
  assert.equal(count("SELECT COUNT(*) AS n FROM semantic_events WHERE visitor_id = ?"), 1);
  assert.equal(count("SELECT COUNT(*) AS n FROM excluded_visitors WHERE visitor_id = ?"), 0);
  await t.services.collect.flushCounters();
  const dropped = t.services.db.all<{ endpoint: string; hits: number }>(
    "SELECT endpoint, hits FROM drop_counts WHERE reason = 'excluded_visitor' ORDER BY endpoint",
  ).map((r) => [r.endpoint, r.hits]);
  assert.deepEqual(dropped, [["b.gif", 1], ["e", 1]]);
});

Deno.test("DELETE /api/bots/exclude/:visitor_id: 200 even when not excluded; 400 when too long", async () => {
  const t = await createTestApp(ENV);
  assert.deepEqual(await api(t, "/api/bots/exclude/never-seen", { method: "DELETE" }), {
    status: 200,
    body: { included: "never-seen" },
  });
  const long = await api(t, `/api/bots/exclude/${"x".repeat(129)}`, { method: "DELETE" });
  assert.deepEqual([long.status, (long.body as { error: string }).error], [
    400,
    "invalid_visitor_id",
  ]);
});

Deno.test("GET /api/bots/visitor/:visitor_id: exclusion, views and events with parsed details", async () => {
  const t = await createTestApp(ENV);
  seedVisitors(t);
  insertEvents(t.services.db, [
    event({ visitor_id: "bot1", event_type: "scroll_depth", created_at: ago(45) }),
    event({ visitor_id: "bot1", created_at: ago(39), bot_score_detail: "garbage" }),
  ]);
  await postExclude(t, { visitor_id: "bot1", label: "scraper" });
  const body = (await getJson(t, "/api/bots/visitor/bot1")) as {
    visitor_id: string;
    is_excluded: boolean;
    exclusion: unknown;
    views: { site_id: string; bot_score: number; bot_score_detail: unknown; created_at: string }[];
    events: { event_type: string; bot_score_detail: unknown; data: string }[];
  };
  assert.equal(body.visitor_id, "bot1");
  assert.equal(body.is_excluded, true);
  assert.deepEqual(body.exclusion, {
    visitor_id: "bot1",
    label: "scraper",
    created_at: new Date(NOW).toISOString(),
  });
  assert.deepEqual(
    body.views.map((v) => [v.site_id, v.bot_score, v.created_at]),
    [["site-a", 60, ago(40)], ["site-a", 80, ago(50)], ["site-b", 10, ago(60)]],
    "newest first",
  );
  assert.deepEqual(body.views[0].bot_score_detail, { pow: 15, pow_result: "missing" });
  assert.deepEqual(body.events.map((e) => [e.event_type, e.bot_score_detail]), [
    ["click", null],
    ["scroll_depth", { pow: 15, pow_result: "missing" }],
  ]);
  assert.equal(body.events[0].data, '{"tag":"a"}');

  const unknown = await getJson(t, "/api/bots/visitor/nobody");
  assert.deepEqual(unknown, {
    visitor_id: "nobody",
    is_excluded: false,
    exclusion: null,
    views: [],
    events: [],
  });
  const long = await api(t, `/api/bots/visitor/${"x".repeat(129)}`);
  assert.equal(long.status, 400);
});

Deno.test("GET /api/bots/visitor/:visitor_id: at most 100 views and 100 events", async () => {
  const t = await createTestApp(ENV);
  insertViews(
    t.services.db,
    Array.from({ length: 101 }, (_, i) => view({ visitor_id: "busy", created_at: ago(i) })),
  );
  insertEvents(
    t.services.db,
    Array.from({ length: 101 }, (_, i) => event({ visitor_id: "busy", created_at: ago(i) })),
  );
  const body = (await getJson(t, "/api/bots/visitor/busy")) as {
    views: { created_at: string }[];
    events: unknown[];
  };
  assert.equal(body.views.length, 100);
  assert.equal(body.events.length, 100);
  assert.equal(body.views[0].created_at, ago(0));
});

Deno.test("GET /api/bots/score-detail: a view's or event's score and parsed breakdown", async () => {
  const t = await createTestApp(ENV);
  insertViews(t.services.db, [
    view({
      visitor_id: "v",
      bot_score: 45,
      bot_score_detail: JSON.stringify({
        pow: 15,
        pow_result: "missing",
        correlated: { penalty: 30, cluster_size: 6, fingerprint: "f" },
      }),
    }),
  ]);
  insertEvents(t.services.db, [event({ visitor_id: "v", bot_score: 25 })]);
  assert.deepEqual(await getJson(t, "/api/bots/score-detail?view_id=1"), {
    score: 45,
    detail: {
      pow: 15,
      pow_result: "missing",
      correlated: { penalty: 30, cluster_size: 6, fingerprint: "f" },
    },
  });
  assert.deepEqual(await getJson(t, "/api/bots/score-detail?event_id=1"), {
    score: 25,
    detail: { pow: 15, pow_result: "missing" },
  });
  const cases: [query: string, status: number, code: string][] = [
    ["", 400, "missing_param"],
    ["view_id=", 400, "invalid_param"],
    ["view_id=abc", 400, "invalid_param"],
    ["view_id=0", 400, "invalid_param"],
    ["event_id=-1", 400, "invalid_param"],
    ["view_id=99999999999999999999", 400, "invalid_param"],
    ["view_id=2", 404, "not_found"],
    ["event_id=9", 404, "not_found"],
  ];
  for (const [query, status, code] of cases) {
    const res = await api(t, `/api/bots/score-detail?${query}`);
    assert.deepEqual([res.status, (res.body as { error: string }).error], [status, code], query);
  }
});

Deno.test("GET /api/bots/report: known bots by bot, path and day, drops, scored signals", async () => {
  const t = await createTestApp(ENV);
  const hit = async (
    ua: string,
    path: string,
    extra: Record<string, string> = {},
    { s = "site-a", v = "2000" } = {},
  ) => {
    const q = `s=${s}&p=${encodeURIComponent(btoa(path))}&_v=${v}`;
    const res = await t.request(`/b.gif?${q}`, {
      headers: { ...BROWSER, "user-agent": ua, ...extra },
    });
    await res.body?.cancel();
    return res.headers.get("x-echelon-drop");
  };
  for (let i = 0; i < 3; i++) assert.equal(await hit("curl/8.4.0", "/pricing"), "known_bot");
  assert.equal(await hit("curl/8.4.0", "/docs/api"), "known_bot");
  const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  assert.equal(await hit(googlebot, "/"), "known_bot");
  assert.equal(await hit(googlebot, "/"), "known_bot");
  assert.equal(await hit("curl/8.4.0", "/other-site", {}, { s: "site-b" }), "known_bot");
  assert.equal(await hit(CHROME_UA, "/", {}, { v: "soon" }), "invalid_payload");
  // Two stored views without a token (15 + no_proof 50), the second without Accept-Language too.
  assert.equal(await hit(CHROME_UA, "/"), null);
  assert.equal(await hit(CHROME_UA, "/", { "accept-language": "" }), null);
  await t.services.collect.views.flush();
  // Plus a correlated bot view and a valid human view from the fixture.
  insertViews(t.services.db, [
    view({
      visitor_id: "c",
      created_at: ago(30),
      bot_score: 75,
      bot_score_detail: JSON.stringify({
        pow: 25,
        pow_result: "invalid",
        correlated: { penalty: 50, cluster_size: 8, fingerprint: "f" },
      }),
      bot_reason: "correlated",
      pow_verdict: "invalid",
    }),
    view({
      visitor_id: "h",
      bot_score: 0,
      bot_score_detail: '{"pow_result":"valid"}',
      pow_verdict: "valid",
    }),
    view({ visitor_id: "old", created_at: ago(10 * 24 * 60), bot_score: 90 }),
  ]);
  // Known-bot traffic of earlier days, flushed long ago.
  addBotTraffic(t.services.db, [
    { date: "2026-11-17", siteId: "site-a", a: "curl", b: "/pricing", hits: 5 },
    { date: "2026-11-01", siteId: "site-a", a: "curl", b: "/pricing", hits: 100 },
  ]);

  // No flushCounters() here: the route must include the counters still in memory.
  const report = await getJson(t, "/api/bots/report?site_id=site-a");
  assert.deepEqual(report, {
    site_id: "site-a",
    days: 7,
    since: "2026-11-14",
    known_bots: [
      {
        bot_name: "curl",
        category: "http_client",
        hits: 9,
        top_paths: [{ path: "/pricing", hits: 8 }, { path: "/docs/api", hits: 1 }],
      },
      {
        bot_name: "Googlebot",
        category: "search",
        hits: 2,
        top_paths: [{ path: "/", hits: 2 }],
      },
    ],
    by_day: [{ date: "2026-11-17", hits: 5 }, { date: "2026-11-20", hits: 6 }],
    dropped: [
      { reason: "known_bot", endpoint: "b.gif", hits: 6 },
      { reason: "invalid_payload", endpoint: "b.gif", hits: 1 },
    ],
    scored: {
      by_signal: [
        { signal: "no_interaction", rows: 2, points: 100 },
        { signal: "no_proof", rows: 2, points: 100 },
        { signal: "pow", rows: 3, points: 55 },
        { signal: "correlated", rows: 1, points: 50 },
        { signal: "headers", rows: 1, points: 10 },
      ],
      pow_verdicts: [
        { verdict: "missing", rows: 2 },
        { verdict: "invalid", rows: 1 },
        { verdict: "valid", rows: 1 },
      ],
      buckets: { clean: 1, medium: 0, bot: 3 },
    },
    // Why the bot views were not counted: their stored main reason, explained by the registry.
    excluded_by_reason: [
      {
        reason: "no_proof",
        label: "No valid proof of work",
        explanation: SIGNALS.no_proof.explanation,
        group: "rule",
        unverified: false,
        views: 2,
        visitors: 1,
        events: 0,
      },
      {
        reason: "correlated",
        label: "Fingerprint cluster",
        explanation: SIGNALS.correlated.explanation,
        group: "correlation",
        unverified: false,
        views: 1,
        visitors: 1,
        events: 0,
      },
    ],
    excluded_by_group: [
      { group: "rule", label: "Proof rules", views: 2, visitors: 1, events: 0 },
      { group: "correlation", label: "Correlation sweep", views: 1, visitors: 1, events: 0 },
    ],
  });

  const today = (await getJson(t, "/api/bots/report?days=1")) as {
    site_id: null;
    known_bots: { bot_name: string; hits: number }[];
    by_day: unknown[];
    scored: { buckets: unknown };
  };
  assert.equal(today.site_id, null, "all sites");
  assert.deepEqual(today.known_bots.map((b) => [b.bot_name, b.hits]), [["curl", 5], [
    "Googlebot",
    2,
  ]]);
  assert.deepEqual(today.by_day, [{ date: "2026-11-20", hits: 7 }]);
  assert.deepEqual(today.scored.buckets, { clean: 1, medium: 0, bot: 3 });

  const month = (await getJson(t, "/api/bots/report?site_id=site-a&days=30")) as {
    known_bots: { hits: number }[];
    scored: { buckets: unknown };
  };
  assert.equal(month.known_bots[0].hits, 109);
  assert.deepEqual(month.scored.buckets, { clean: 1, medium: 0, bot: 4 });
});

Deno.test("GET /api/bots/report: parameters are validated and clamped", async () => {
  const t = await createTestApp(ENV);
  const clamp = (await getJson(t, "/api/bots/report?days=0")) as { days: number };
  assert.equal(clamp.days, 1);
  const big = (await getJson(t, "/api/bots/report?days=100000")) as { days: number };
  assert.equal(big.days, 365);
  for (const query of ["days=seven", "site_id=%3Cscript%3E", "days=1.5"]) {
    const res = await api(t, `/api/bots/report?${query}`);
    assert.equal(res.status, 400, query);
  }
  const empty = (await getJson(t, "/api/bots/report")) as Record<string, unknown>;
  assert.deepEqual(
    { ...empty, since: undefined },
    {
      site_id: null,
      days: 7,
      since: undefined,
      known_bots: [],
      by_day: [],
      dropped: [],
      scored: { by_signal: [], pow_verdicts: [], buckets: { clean: 0, medium: 0, bot: 0 } },
      excluded_by_reason: [],
      excluded_by_group: [],
    },
  );
});
