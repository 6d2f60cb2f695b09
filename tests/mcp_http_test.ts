// MCP over Streamable HTTP at /mcp, driven by the SDK's own client against the in-process app:
// every tool called on fixtures whose answers are known (tests/_stats_fixture.ts, the campaign
// report fixture, an experiment), bad arguments and API refusals as tool errors, and who may
// connect (API keys of either scope, ECHELON_SECRET, public mode; not anonymous or revoked keys).
import assert from "node:assert/strict";
import { addBotTraffic, insertEvents } from "../lib/db/collect.ts";
import { changeStatus, createExperiment } from "../lib/experiments/mod.ts";
import { MAX_MCP_BODY_BYTES } from "../lib/mcp/http.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { registerSite, storeGoal } from "./_admin.ts";
import { seedReportFixture } from "./_campaigns.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import {
  Client,
  initializeRequest,
  resultData,
  resultText,
  StreamableHTTPClientTransport,
  TOOL_NAMES,
} from "./_mcp.ts";
import { D0, D1, D2, event, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

const ENV = { ECHELON_SECRET: SECRET };

async function mintKey(t: TestApp, scope: "read" | "write"): Promise<{ key: string; id: number }> {
  const res = await t.request("/api/keys", {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `mcp ${scope}`, scope }),
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  return { key: body.key, id: body.created };
}

/** An SDK client connected to the app's /mcp, sending `token` as its bearer (if any). */
async function connect(t: TestApp, token: string | null): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", TEST_ORIGIN), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : undefined,
    fetch: (url, init) => t.request(String(url), init),
  });
  const client = new Client({ name: "echelon-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return resultData(await client.callTool({ name, arguments: args }));
}

async function statsApp(): Promise<TestApp> {
  const t = await createTestApp(ENV);
  insertFixture(t);
  registerSite(t, SITE, "Shop");
  addBotTraffic(t.services.db, [
    { date: D2, siteId: SITE, a: "curl", b: "/pricing", hits: 3 },
    { date: D1, siteId: SITE, a: "Googlebot", b: "/", hits: 2 },
  ]);
  await refreshRollups(t.services);
  return t;
}

/** A raw JSON-RPC POST (for what the SDK client would never send). */
function rpc(t: TestApp, body: string, headers: Record<string, string> = {}) {
  return t.request("/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

const INITIALIZE = JSON.stringify(initializeRequest("raw"));

Deno.test("mcp http: a read key connects and lists the read-only tools", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  assert.equal(client.getServerVersion()?.name, "echelon-analytics");
  assert.match(client.getInstructions() ?? "", /list_sites/);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOL_NAMES);
  for (const tool of tools) {
    assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
    assert.ok((tool.description ?? "").length > 40, tool.name);
  }
  const overview = tools.find((tool) => tool.name === "analytics_overview")!;
  assert.deepEqual(overview.inputSchema.required, ["site_id"]);
  // The query tool's input schema is POST /api/v2/query's body schema.
  const query = tools.find((tool) => tool.name === "query")!;
  assert.deepEqual(query.inputSchema.required, ["site_id", "metrics", "date_range"]);
  assert.ok("filters" in (query.inputSchema.properties ?? {}));
  assert.match(query.description ?? "", /visit:country/);
  const topPages = tools.find((tool) => tool.name === "top_pages")!;
  assert.ok("path_contains" in (topPages.inputSchema.properties ?? {}));
  await client.close();
});

Deno.test("mcp http: the traffic tools answer from the stats fixture", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);

  const overview = await call(client, "analytics_overview", { site_id: SITE, days: 2 });
  assert.deepEqual(
    [overview.data.visits, overview.data.unique_visitors, overview.data.sessions],
    [13, 8, 7],
  );
  assert.equal(
    overview.summary,
    `${SITE}, ${D1}..${D2}: 13 page views, 8 visitors, 7 sessions, bounce rate 42.9 %; ` +
      "top page / (6 views)",
  );
  const finland = await call(client, "analytics_overview", {
    site_id: SITE,
    days: 2,
    country: "fi",
  });
  assert.deepEqual([finland.data.visits, finland.data.unique_visitors], [6, 3]);
  // The query engine's filters (any dimension, and/or/not) and bot setting.
  const engine = await call(client, "analytics_overview", {
    site_id: SITE,
    days: 2,
    filters: [["is", "visit:country", ["FI"]]],
  });
  assert.deepEqual([engine.data.visits, engine.data.unique_visitors], [6, 3]);
  assert.equal(engine.data.source.kind, "engine");
  const notFinland = await call(client, "top_pages", {
    site_id: SITE,
    days: 2,
    filters: [["not", ["is", "visit:country", ["FI"]]]],
  });
  assert.equal(notFinland.data.visits, 13 - 6);
  const onlyBots = await call(client, "analytics_overview", {
    site_id: SITE,
    days: 2,
    bots: "only",
  });
  assert.equal(onlyBots.data.visits, 2, "the fixture's bot viewed two pages");

  const top = await call(client, "top_pages", { site_id: SITE, days: 2, limit: 3 });
  assert.deepEqual(top.data.pages, [
    { path: "/", views: 6, visitors: 6 },
    { path: "/pricing", views: 4, visitors: 4 },
    { path: "/blog", views: 1, visitors: 1 },
  ]);
  assert.deepEqual([top.data.visits, top.data.unique_visitors], [13, 8]);
  assert.match(top.summary, /^Top 3 pages of shop, 2026-11-19\.\.2026-11-20: \/ \(6\), \/pricing/);
  const pricing = await call(client, "top_pages", { site_id: SITE, days: 2, path_contains: "ric" });
  assert.deepEqual(pricing.data.pages, [{ path: "/pricing", views: 4, visitors: 4 }]);
  assert.deepEqual(pricing.data.filters, { path_contains: "ric" });
  const search = await call(client, "top_pages", {
    site_id: SITE,
    from: D1,
    to: D2,
    referrer: "google.com",
  });
  // Only the two views that arrived from google.com: v1's and v6's landing on "/".
  assert.deepEqual(search.data.pages, [{ path: "/", views: 2, visitors: 2 }]);
  const none = await call(client, "top_pages", { site_id: SITE, days: 2, path_contains: "/nope" });
  assert.deepEqual(none.data.pages, []);
  assert.match(none.summary, /^No page views for shop/);

  // This day against the day before (the API's compare=previous) …
  const week = await call(client, "compare_periods", { site_id: SITE, days: 1 });
  assert.deepEqual([week.data.current.from, week.data.previous.from], [D2, D1]);
  assert.deepEqual(week.data.changes.visits, {
    current: 5,
    previous: 8,
    change: -3,
    change_pct: -37.5,
  });
  assert.deepEqual(week.data.changes.sessions, {
    current: 2,
    previous: 5,
    change: -3,
    change_pct: -60,
  });
  assert.match(week.summary, /visits 5 vs 8 \(-37\.5 %\), visitors 3 vs 5 \(-40 %\)/);
  // … or against any period, with filters on both sides.
  const custom = await call(client, "compare_periods", {
    site_id: SITE,
    from: D2,
    to: D2,
    previous_from: D0,
    previous_to: D0,
  });
  assert.deepEqual(custom.data.changes.visits, {
    current: 5,
    previous: 1,
    change: 4,
    change_pct: 400,
  });
  const filtered = await call(client, "compare_periods", {
    site_id: SITE,
    days: 1,
    path: "/pricing",
  });
  assert.deepEqual([filtered.data.current.visits, filtered.data.previous.visits], [2, 2]);
  assert.deepEqual(filtered.data.filters, { path: "/pricing" });

  // v7 viewed "/" at 11:58, within the last 5 minutes of the frozen clock (12:00).
  const realtime = await call(client, "analytics_realtime", { site_id: SITE });
  assert.deepEqual([realtime.data.active_visitors, realtime.data.pageviews], [1, 1]);
  assert.equal(
    realtime.summary,
    "shop: 1 active visitors and 1 page views in the last 5 minutes; busiest page /",
  );
  const dashboard = await call(client, "analytics_dashboard", { site_id: SITE });
  assert.equal(dashboard.data.now.activeVisitors, 1);
  assert.match(dashboard.summary, /^shop: 1 visitors now/);

  const sites = await call(client, "list_sites");
  assert.deepEqual(
    sites.data.map((s: Record<string, unknown>) => [s.site_id, s.views_today, s.views_30d]),
    [[SITE, 5, 14]],
  );
  assert.equal(sites.summary, "1 site: shop (14 views in 30 days)");

  const bots = await call(client, "bot_report", { site_id: SITE, days: 7 });
  assert.deepEqual(
    bots.data.known_bots.map((b: Record<string, unknown>) => [b.bot_name, b.hits]),
    [["curl", 3], ["Googlebot", 2]],
  );
  assert.deepEqual(
    bots.data.suspicious_visitors.map((v: Record<string, unknown>) => [
      v.visitor_id,
      v.max_bot_score,
      v.pageviews,
    ]),
    [["bot", 80, 2]],
  );
  assert.match(bots.summary, /5 known-bot hits from 2 bots \(most: curl, 3\); 1 suspicious/);
  const today = await call(client, "bot_report", { site_id: SITE, days: 1 });
  assert.deepEqual(today.data.suspicious_visitors, [], "the bot's views were yesterday");
  assert.equal(today.data.known_bots.length, 1);
  await client.close();
});

Deno.test("mcp http: the query tool answers what POST /api/v2/query answers", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const body = {
    site_id: SITE,
    metrics: ["visitors", "pageviews"],
    date_range: [D1, D2],
    dimensions: ["visit:country"],
    order_by: [["pageviews", "desc"]],
    include: { total_rows: true },
  };
  const res = await t.request("/api/v2/query", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const api = await res.json();
  const tool = await call(client, "query", body);
  assert.deepEqual(tool.data, api);
  assert.equal(tool.data.results[0].dimensions[0], "FI");
  assert.match(
    tool.summary,
    new RegExp(
      `^${SITE}, ${D1}\\.\\.${D2}: visitors, pageviews by visit:country: \\d+ of \\d+ rows; FI 3, 6`,
    ),
  );
  const total = await call(client, "query", {
    site_id: SITE,
    metrics: ["visitors", "pageviews", "visits", "bounce_rate"],
    date_range: [D1, D2],
  });
  assert.deepEqual(total.data.results, [{ dimensions: [], metrics: [8, 13, 7, 42.9] }]);
  // Shapes are refused by the schema, meanings by the API (its 400 names the field).
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ metrics: ["visitors"], date_range: "7d" }, /site_id/],
    [{ site_id: SITE, metrics: ["visitors"], date_range: "7d", extra: 1 }, /extra/],
    [{ site_id: SITE, metrics: ["nope"], date_range: "7d" }, /API 400 invalid_query: metrics\[0\]/],
    [
      { site_id: SITE, metrics: ["visitors"], date_range: "7d", filters: [["is", "x", ["a"]]] },
      /API 400 invalid_query: filters\[0\]\[1\]/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await client.callTool({ name: "query", arguments: args });
    assert.equal(result.isError, true, JSON.stringify(args));
    assert.match(resultText(result), message, JSON.stringify(args));
  }
  await client.close();
});

Deno.test("mcp http: the goals and funnel tools answer what the API answers", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const post = async (path: string, body: unknown, bearer = SECRET) => {
    const res = await t.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${path}: ${res.status}`);
    return await res.json();
  };
  await post("/api/goals", { site_id: SITE, name: "Signup", kind: "event", event_name: "signup" });
  const goals = await call(client, "list_goals", { site_id: SITE });
  assert.deepEqual(goals.data.map((g: { name: string }) => g.name), ["Signup"]);
  assert.match(goals.summary, /1 goal: Signup \(event\)/);
  const body = {
    site_id: SITE,
    date_range: [D1, D2],
    steps: [{ page: "/" }, { page: "/pricing" }, { event_name: "signup" }],
  };
  const tool = await call(client, "funnel", body);
  assert.deepEqual(tool.data, await post("/api/v2/funnel", body, key));
  assert.equal(tool.summary, "Funnel (visits): / 6 (100%) → /pricing 3 (50%) → signup 2 (33.3%)");
  const refused = await client.callTool({ name: "funnel", arguments: { ...body, steps: [] } });
  assert.equal(refused.isError, true);
  await client.close();
});

Deno.test("mcp http: the campaign tools answer from the campaign report fixture", async () => {
  const t = await createTestApp(ENV);
  seedReportFixture(t);
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const list = await call(client, "analytics_campaigns", { days: 7 });
  assert.deepEqual(
    Object.fromEntries(list.data.map((c: Record<string, unknown>) => [c.id, c.visitors])),
    { spring: 4, autumn: 0, "blog-spring": 1 },
  );
  assert.match(list.summary, /^3 campaigns; most visitors: Spring \(utm_campaign=spring, 4/);

  const detail = await call(client, "analytics_campaign_detail", {
    campaign_id: "spring",
    days: 7,
  });
  assert.deepEqual(
    [detail.data.views, detail.data.visitors, detail.data.sessions, detail.data.conversions],
    [5, 4, 4, 2],
  );
  assert.deepEqual(detail.data.bySource[0], { utm_source: "newsletter", views: 3, visitors: 2 });
  assert.match(
    detail.summary,
    /^Spring \(utm_campaign=spring\), 2026-11-14\.\.2026-11-20: 5 views/,
  );
  const same = await call(client, "analytics_campaigns", { days: 7, campaign_id: "spring" });
  assert.deepEqual(same.data, detail.data);

  const events = await call(client, "analytics_campaign_events", { site_id: "shop", days: 7 });
  assert.deepEqual(
    events.data.map((r: Record<string, unknown>) => [r.utm_campaign, r.visitors, r.events]),
    [["spring", 4, 4], [null, 1, 1]],
  );
  const registered = await call(client, "list_campaigns", { site_id: "shop" });
  assert.deepEqual(registered.data.map((c: { id: string }) => c.id).sort(), ["autumn", "spring"]);
  const active = await call(client, "list_campaigns", { status: "active" });
  assert.deepEqual(active.data.map((c: { id: string }) => c.id).sort(), ["blog-spring", "spring"]);
  await client.close();
});

Deno.test("mcp http: the experiment tools answer with exposures, conversions and variants", async () => {
  const t = await createTestApp(ENV);
  const start = t.clock.now - 48 * 3_600_000;
  await createExperiment(t.services.store, {
    experiment_id: "checkout",
    name: "Checkout",
    site_id: "shop",
    metric: "purchase",
    variants: [
      { variant_id: "control", name: "Blue", weight: 50, is_control: true },
      { variant_id: "green", name: "Green", weight: 50 },
    ],
  }, start - 3_600_000);
  await changeStatus(t.services.store, { id: "checkout", to: "active", now: start });
  // control: 4 exposed sessions, 1 purchase; green: 4 exposed, 2 purchases.
  const rows = [];
  for (let i = 0; i < 8; i++) {
    const variant = i < 4 ? "control" : "green";
    const common = { session_id: `s${i}`, visitor_id: `v${i}`, created_at: D1 + "T10:00:00.000Z" };
    rows.push(event({
      ...common,
      event_type: "exposure",
      experiment_id: "checkout",
      variant_id: variant,
    }));
    if (i === 0 || i === 4 || i === 5) {
      rows.push(event({ ...common, event_type: "custom", event_name: "purchase" }));
    }
  }
  insertEvents(t.services.db, rows);
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const results = await call(client, "analytics_experiments", {});
  assert.equal(results.data.length, 1);
  const [result] = results.data;
  assert.deepEqual([result.experiment_id, result.exposures, result.conversions], [
    "checkout",
    8,
    3,
  ]);
  assert.deepEqual(
    result.variants.map((v: Record<string, unknown>) => [v.variant_id, v.exposures, v.conversions]),
    [["control", 4, 1], ["green", 4, 2]],
  );
  assert.equal(result.variants[1].relative_uplift, 1, "50 % vs 25 %: +100 %");
  assert.equal(
    results.summary,
    "1 experiment: checkout (active, 8 exposures, 3 conversions)",
  );
  const one = await call(client, "analytics_experiments", { experiment_id: "checkout" });
  assert.deepEqual(one.data, results.data);
  const list = await call(client, "list_experiments", {});
  assert.deepEqual(list.data.map((e: { experiment_id: string }) => e.experiment_id), ["checkout"]);
  assert.deepEqual(
    list.data[0].variants.map((v: { variant_id: string }) => v.variant_id),
    ["control", "green"],
    "variant definitions included",
  );
  assert.equal(list.summary, "1 experiment (1 active)");

  // A goal as the metric (the purchases again), and the bot setting: a bot's exposure counts only
  // when bots are shown.
  const goal = await storeGoal(t, {
    site_id: "shop",
    name: "Purchase",
    kind: "event",
    event_name: "purchase",
  });
  await createExperiment(t.services.store, {
    experiment_id: "by-goal",
    name: "By goal",
    site_id: "shop",
    metric_goal_id: goal.id,
    variants: [{ variant_id: "control", is_control: true }, { variant_id: "green" }],
  }, start - 3_600_000);
  await changeStatus(t.services.store, { id: "by-goal", to: "active", now: start });
  const tagged = rows.filter((r) => r.event_type === "exposure")
    .map((r) => ({ ...r, experiment_id: "by-goal" }));
  insertEvents(t.services.db, [
    ...tagged,
    event({
      session_id: "bot",
      visitor_id: "bot",
      created_at: D1 + "T10:00:00.000Z",
      event_type: "exposure",
      experiment_id: "by-goal",
      variant_id: "green",
      bot_score: 95,
    }),
  ]);
  const byGoal = await call(client, "analytics_experiments", { experiment_id: "by-goal" });
  assert.equal(
    byGoal.summary,
    "1 experiment: by-goal (active, 8 exposures, 3 conversions of the goal Purchase)",
  );
  assert.equal(byGoal.data[0].goal.name, "Purchase");
  const shown = await call(client, "analytics_experiments", {
    experiment_id: "by-goal",
    bots: "show",
  });
  assert.equal(shown.data[0].exposures, 9);
  assert.equal(shown.data[0].bots, "show");
  await client.close();
});

Deno.test("mcp http: bad arguments and API refusals are tool errors, never a 500", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["analytics_overview", {}, /site_id/],
    ["analytics_overview", { site_id: "not a site!" }, /site id/],
    ["analytics_overview", { site_id: SITE, days: 0 }, /days/],
    ["analytics_overview", { site_id: SITE, days: "30" }, /days/],
    ["top_pages", { site_id: SITE, limit: 1000 }, /limit/],
    ["top_pages", { site_id: SITE, country: "Finland" }, /country/],
    ["compare_periods", { site_id: SITE, previous_from: D0 }, /previous_from and previous_to/],
    // Shapes pass zod; the API refuses the values and its message comes back.
    ["analytics_overview", { site_id: SITE, days: 2, from: D1 }, /API 400 invalid_param: days/],
    ["analytics_overview", { site_id: SITE, from: D2, to: D1 }, /API 400 invalid_param: from/],
    ["analytics_campaign_detail", { campaign_id: "missing" }, /API 404 not_found/],
    ["analytics_experiments", { experiment_id: "missing" }, /API 404/],
    ["analytics_campaign_events", { site_id: SITE, event_type: "nope" }, /API 400/],
    ["no_such_tool", {}, /no_such_tool/],
  ];
  for (const [name, args, message] of cases) {
    const result = await client.callTool({ name, arguments: args });
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
    assert.match(resultText(result), message, `${name} ${JSON.stringify(args)}`);
  }
  // The session survives every error.
  const ok = await call(client, "analytics_realtime", { site_id: SITE });
  assert.equal(ok.data.active_visitors, 1);
  await client.close();
});

Deno.test("mcp http: keys of either scope and ECHELON_SECRET connect; anonymous and revoked keys are 401", async () => {
  const t = await statsApp();
  const read = await mintKey(t, "read");
  const write = await mintKey(t, "write");
  for (const token of [read.key, write.key, SECRET]) {
    const client = await connect(t, token);
    const sites = await call(client, "list_sites");
    assert.equal(sites.data.length, 1);
    await client.close();
  }

  const anonymous = await rpc(t, INITIALIZE);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get("www-authenticate"), 'Bearer realm="echelon"');
  assert.match((await anonymous.json()).message, /API key/);
  const wrong = await rpc(t, INITIALIZE, { authorization: "Bearer not-the-secret" });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const revoke = await t.request(`/api/keys/${read.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${SECRET}` },
  });
  assert.equal(revoke.status, 200);
  await revoke.body?.cancel();
  const revoked = await rpc(t, INITIALIZE, { authorization: `Bearer ${read.key}` });
  assert.equal(revoked.status, 401);
  assert.equal((await revoked.json()).error, "invalid_api_key");
  await assert.rejects(connect(t, read.key));
  await assert.rejects(connect(t, null));
});

Deno.test("mcp http: stateless transport — POST only, bounded body, JSON answers", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const auth = { authorization: `Bearer ${key}` };
  const init = await rpc(t, INITIALIZE, auth);
  assert.equal(init.status, 200);
  assert.match(init.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(init.headers.get("mcp-session-id"), null, "stateless: no session");
  assert.equal(init.headers.get("cache-control"), "no-store");
  assert.equal(init.headers.get("access-control-allow-origin"), null, "no CORS");
  assert.equal((await init.json()).result.serverInfo.name, "echelon-analytics");

  // A tools/call without a prior initialize works: nothing is kept between requests.
  const direct = await rpc(
    t,
    JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "analytics_overview", arguments: { site_id: SITE, days: 2 } },
    }),
    { ...auth, "mcp-protocol-version": "2025-06-18" },
  );
  assert.equal(direct.status, 200);
  const answer = await direct.json();
  assert.equal(answer.id, 7);
  assert.match(answer.result.content[0].text, /^shop, 2026-11-19\.\.2026-11-20: 13 page views/);

  for (const method of ["GET", "DELETE"]) {
    const res = await t.request("/mcp", { method, headers: auth });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get("allow"), "POST");
    await res.body?.cancel();
  }
  const huge = await rpc(
    t,
    JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "ping",
      params: { pad: "x".repeat(MAX_MCP_BODY_BYTES) },
    }),
    auth,
  );
  assert.equal(huge.status, 413);
  await huge.body?.cancel();
  const garbage = await rpc(t, "{not json", auth);
  assert.equal(garbage.status, 400);
  await garbage.body?.cancel();
  const text = await rpc(t, INITIALIZE, { ...auth, "content-type": "text/plain" });
  assert.equal(text.status, 415);
  await text.body?.cancel();
});

Deno.test("mcp http: in public mode /mcp is open like the API's reads", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  insertFixture(t);
  insertEvents(t.services.db, [
    event({
      event_type: "click",
      visitor_id: "v7",
      session_id: "s7",
      data: '{"text":"Buy"}',
      created_at: `${D2}T11:59:00.000Z`,
    }),
  ]);
  await refreshRollups(t.services);
  const client = await connect(t, null);
  const overview = await call(client, "analytics_overview", { site_id: SITE, days: 2 });
  assert.equal(overview.data.visits, 13);
  const dashboard = await call(client, "analytics_dashboard", { site_id: SITE });
  assert.equal(dashboard.data.hourly.views.length, 60);
  assert.equal(dashboard.data.recentEvents, undefined, "public mode's view applies to MCP too");
  const bots = await call(client, "bot_report", { site_id: SITE });
  assert.equal(bots.data.suspicious_visitors, null);
  assert.match(bots.summary, /suspicious visitors are not shown on a public instance/);
  // The API decides what public mode shows: the query engine is not among it.
  const query = await client.callTool({
    name: "query",
    arguments: { site_id: SITE, metrics: ["pageviews"], date_range: [D1, D2] },
  });
  assert.equal(query.isError, true);
  assert.match(resultText(query), /^query failed: API 403 not_public: \/api\/v2\/query/);

  await client.close();
});

Deno.test("mcp http: the journeys tool answers what POST /api/v2/journeys answers", async () => {
  const t = await statsApp();
  const { key } = await mintKey(t, "read");
  const client = await connect(t, key);
  const body = { site_id: SITE, date_range: [D0, D2], page: "/", depth: 2 };
  const res = await t.request("/api/v2/journeys", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const api = await res.json();
  const tool = await call(client, "journeys", body);
  assert.deepEqual(tool.data, api);
  assert.ok(api.meta.visits > 0 && api.links.length > 0, JSON.stringify(api));
  const first = api.nodes.find((node: { step: number }) => node.step === 1);
  assert.equal(
    tool.summary,
    `From /: ${api.meta.visits} visits; step 1: ${first.label} ${first.visits}; ` +
      `step 2: ${api.nodes.find((node: { step: number }) => node.step === 2).label} ${
        api.nodes.find((node: { step: number }) => node.step === 2).visits
      }`,
  );
  const bad = await client.callTool({ name: "journeys", arguments: { ...body, depth: 9 } });
  assert.equal(bad.isError, true);
  assert.match(resultText(bad), /depth/);
  await client.close();
});
