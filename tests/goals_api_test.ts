// Goals over HTTP (/api/goals, lib/api/operations/goals.ts) on the fixture of
// tests/_stats_fixture.ts: add, list, get, change and delete goals, their conversions through
// POST /api/v2/query (the fixture's known figures), 400/404/409 refusals with nothing stored, who
// may read and write, and public mode.
import assert from "node:assert/strict";
import { AUTH_ENV } from "./_auth.ts";
import { type Answer, fixtureApp, send } from "./_api_fixture.ts";
import { tableRowCounts, type TestApp } from "./_helpers.ts";
import { D1, D2, SITE } from "./_stats_fixture.ts";
import { MAX_GOALS_PER_SITE } from "../lib/query/goals.ts";

const conversions = (t: TestApp, more: Record<string, unknown>) =>
  send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["conversions", "unique_conversions", "conversion_rate"],
    date_range: [D1, D2],
    ...more,
  });

const byDims = (answer: Answer) =>
  Object.fromEntries(
    answer.body.results.map((r: { dimensions: string[]; metrics: number[] }) => [
      r.dimensions.join(" / "),
      r.metrics,
    ]),
  );

const PRICING = { site_id: SITE, name: "Pricing", kind: "page", page: "/pricing" };
const SIGNUP = { site_id: SITE, name: "Signup", kind: "event", event_name: "signup" };

Deno.test("goals: add, list, get; conversions, unique conversions and rates in the query API; change and delete", async () => {
  const t = await fixtureApp();
  const pricing = await send(t, "POST", "/api/goals", { ...PRICING, site_id: "SHOP" });
  assert.equal(pricing.status, 201, JSON.stringify(pricing.body));
  assert.deepEqual({ ...pricing.body.goal, created_at: undefined }, {
    id: pricing.body.created,
    site_id: SITE,
    name: "Pricing",
    kind: "page",
    page: "/pricing",
    event_name: null,
    props: null,
    scroll_depth: null,
    currency: null,
    created_at: undefined,
  });
  const signup = await send(t, "POST", "/api/goals", SIGNUP);
  assert.equal(signup.status, 201);
  const blog = await send(t, "POST", "/api/goals", {
    site_id: SITE,
    name: "Read a page to the end",
    kind: "scroll",
    page: "/**",
    scroll_depth: 100,
  });
  assert.equal(blog.status, 201, JSON.stringify(blog.body));
  const stored = t.services.db.get<{ page_regex: string }>(
    "SELECT page_regex FROM goals WHERE id = ?",
    blog.body.created,
  );
  assert.equal(stored!.page_regex, "^/.*$");

  const list = await send(t, "GET", `/api/goals?site_id=${SITE}`);
  assert.deepEqual(list.body.map((g: { name: string }) => g.name), [
    "Pricing",
    "Read a page to the end",
    "Signup",
  ]);
  assert.deepEqual((await send(t, "GET", "/api/goals?site_id=other")).body, []);
  assert.deepEqual(
    (await send(t, "GET", `/api/goals/${signup.body.created}`)).body,
    signup.body.goal,
  );

  // The fixture: /pricing viewed by v1 and v3 on the 19th, v5 (a new daily id) and v6 on the 20th
  // (the bot's view is not counted); signup sent by v1 and v6 (and a bot); 8 visitors over the two
  // days (5 + 3). Its finished views carry no page, so they convert no scroll goal.
  const byGoal = await conversions(t, { dimensions: ["event:goal"] });
  assert.equal(byGoal.status, 200, JSON.stringify(byGoal.body));
  assert.deepEqual(byDims(byGoal), { "Pricing": [4, 4, 50], "Signup": [2, 2, 25] });
  // Which sources convert: v1 and v6 came from google.com; 2 of the 8 visitors did.
  const bySource = await conversions(t, {
    dimensions: ["visit:source"],
    filters: [["is", "event:goal", ["Signup"]]],
  });
  assert.deepEqual(byDims(bySource), { "google.com": [2, 2, 100] });
  // A goal filter on ordinary metrics: the visits that converted.
  const visits = await send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["visitors", "visits", "pageviews"],
    date_range: [D1, D2],
    filters: [["is", "event:goal", ["Signup"]]],
  });
  assert.deepEqual(visits.body.results[0].metrics, [2, 2, 5]);

  // Changed: every report counts the new definition at once; the site cannot move.
  const changed = await send(t, "PUT", `/api/goals/${pricing.body.created}`, {
    ...PRICING,
    name: "Docs",
    page: "/docs",
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal(changed.body.name, "Docs");
  assert.deepEqual(byDims(await conversions(t, { dimensions: ["event:goal"] }))["Docs"], [
    1,
    1,
    12.5,
  ]);
  const moved = await send(t, "PUT", `/api/goals/${pricing.body.created}`, {
    ...PRICING,
    site_id: "other",
  });
  assert.deepEqual([moved.status, moved.body.error], [400, "invalid_goal"]);
  const clash = await send(t, "PUT", `/api/goals/${pricing.body.created}`, {
    ...PRICING,
    name: "Signup",
  });
  assert.deepEqual([clash.status, clash.body.error], [409, "conflict"]);

  const deleted = await send(t, "DELETE", `/api/goals/${signup.body.created}`);
  assert.deepEqual([deleted.status, deleted.body], [200, { deleted: signup.body.created }]);
  assert.deepEqual(
    Object.keys(byDims(await conversions(t, { dimensions: ["event:goal"] }))).sort(),
    ["Docs"],
  );
  assert.equal((await send(t, "GET", `/api/goals/${signup.body.created}`)).status, 404);
  assert.equal((await send(t, "DELETE", `/api/goals/${signup.body.created}`)).status, 404);
});

Deno.test("goals: bad input is refused naming the field, and nothing is stored", async () => {
  const t = await fixtureApp();
  assert.equal((await send(t, "POST", "/api/goals", PRICING)).status, 201);
  const before = tableRowCounts(t);
  const cases: [unknown, number, string, RegExp][] = [
    [{ ...PRICING, name: " " }, 400, "invalid_goal", /^name/],
    [{ ...PRICING, kind: "visit" }, 400, "invalid_goal", /^kind/],
    [{ ...PRICING, page: undefined }, 400, "invalid_goal", /^page: a page goal needs a page/],
    [{ ...PRICING, page: "pricing" }, 400, "invalid_goal", /^page: a path starts with \//],
    [{ ...PRICING, event_name: "signup" }, 400, "invalid_goal", /^event_name: not used/],
    [{ ...SIGNUP, event_name: undefined }, 400, "invalid_goal", /^event_name: an event goal needs/],
    [{ ...SIGNUP, props: { "bad key": "x" } }, 400, "invalid_goal", /^props/],
    [{ ...SIGNUP, props: { plan: 3 } }, 400, "invalid_goal", /^props/],
    [{ ...PRICING, kind: "scroll" }, 400, "invalid_goal", /^scroll_depth: a scroll goal needs/],
    [
      { ...PRICING, kind: "scroll", scroll_depth: 120 },
      400,
      "invalid_goal",
      /^scroll_depth: 1-100/,
    ],
    [{ ...PRICING, extra: 1 }, 400, "invalid_goal", /extra/],
    [{ ...PRICING, site_id: "no site!" }, 400, "invalid_goal", /^site_id/],
    [{ ...PRICING, site_id: "nowhere" }, 404, "not_found", /nowhere/],
    [{ ...PRICING, page: "/other" }, 409, "conflict", /already has a goal "Pricing"/],
  ];
  for (const [body, status, error, message] of cases) {
    const res = await send(t, "POST", "/api/goals", body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(res.body.error, error, JSON.stringify(body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  assert.equal((await send(t, "GET", "/api/goals/abc")).body.error, "invalid_id");
  // In a query: conversion metrics without a goal, ordinary metrics by goal.
  const noGoal = await conversions(t, {});
  assert.deepEqual([noGoal.status, noGoal.body.error], [400, "invalid_query"]);
  assert.match(noGoal.body.message, /^metrics\[0\]: conversions needs the event:goal dimension/);
  const mixed = await send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["conversions", "pageviews"],
    date_range: [D1, D2],
    dimensions: ["event:goal"],
  });
  assert.match(mixed.body.message, /^metrics\[1\]: by event:goal only conversions/);
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("goals: read keys list them and query conversions, writes need the secret, a session or a write key; public mode shows none", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const mint = async (scope: string) =>
    (await send(t, "POST", "/api/keys", { name: scope, scope })).body.key as string;
  const read = { authorization: `Bearer ${await mint("read")}` };
  const write = { authorization: `Bearer ${await mint("write")}` };
  const denied = await send(t, "POST", "/api/goals", PRICING, read);
  assert.deepEqual([denied.status, denied.body.error], [403, "insufficient_scope"]);
  assert.equal((await send(t, "GET", "/api/goals", undefined, {})).status, 401);
  assert.equal(t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM goals")!.n, 0);
  const created = await send(t, "POST", "/api/goals", PRICING, write);
  assert.equal(created.status, 201);
  assert.equal((await send(t, "GET", "/api/goals", undefined, read)).body.length, 1);
  const asked = await send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["conversions"],
    date_range: [D1, D2],
    dimensions: ["event:goal"],
  }, read);
  assert.deepEqual(byDims(asked), { Pricing: [4] });
  assert.equal(
    (await send(t, "DELETE", `/api/goals/${created.body.created}`, undefined, read)).status,
    403,
  );

  const pub = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
  assert.equal((await send(pub, "POST", "/api/goals", PRICING)).body.error, "read_only");
  for (const [method, path] of [["GET", "/api/goals"], ["GET", "/api/goals/1"]]) {
    const res = await send(pub, method, path, undefined, {});
    assert.deepEqual([res.status, res.body.error], [403, "not_public"], path);
  }
});

Deno.test("revenue: exchange rates are set by write keys and read by read keys; a revenue goal reports amounts converted at them", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const mint = async (scope: string) =>
    (await send(t, "POST", "/api/keys", { name: scope, scope })).body.key as string;
  const read = { authorization: `Bearer ${await mint("read")}` };
  const write = { authorization: `Bearer ${await mint("write")}` };
  const initial = await send(t, "GET", "/api/exchange-rates", undefined, read);
  assert.deepEqual(
    initial.body.map((r: { currency: string; per_eur: number }) => [r.currency, r.per_eur]),
    [["EUR", 1]],
  );
  const before = tableRowCounts(t);
  for (
    const [body, message] of [
      [{ rates: { usd: 1.1 } }, /rates: keys are ISO 4217/],
      [{ rates: { USD: 0 } }, /rates: a rate is above 0/],
      [{ rates: { USD: "1.1" } }, /rates: a rate is a number/],
      [{ rates: { EUR: 2 } }, /rates: EUR is 1/],
      [{ rates: {} }, /rates: 1-200 rates/],
    ] as const
  ) {
    const res = await send(t, "PUT", "/api/exchange-rates", body, write);
    assert.deepEqual([res.status, res.body.error], [400, "invalid_rates"], JSON.stringify(body));
    assert.match(res.body.message, message);
  }
  assert.equal(
    (await send(t, "PUT", "/api/exchange-rates", { rates: { USD: 2 } }, read)).status,
    403,
  );
  assert.deepEqual(tableRowCounts(t), before);
  const set = await send(
    t,
    "PUT",
    "/api/exchange-rates",
    { rates: { USD: 1.25, GBP: 0.8 } },
    write,
  );
  assert.deepEqual(
    set.body.map((r: { currency: string; per_eur: number }) => [r.currency, r.per_eur]),
    [
      ["EUR", 1],
      ["GBP", 0.8],
      ["USD", 1.25],
    ],
  );

  // Two purchases on the 19th (49.90 in euros from v1, 25 dollars from v3) and one without an
  // amount (v6): the revenue goal reports them in euros (49.9 + 25 / 1.25 = 69.9).
  t.services.db.run(
    `INSERT INTO semantic_events (event_type, event_name, site_id, session_id, visitor_id, path,
       data, created_at) VALUES
     ('custom', 'purchase', ?1, 's1', 'v1', '/signup', '{"revenue":"49.90","currency":"EUR"}', ?2),
     ('custom', 'purchase', ?1, 's3', 'v3', '/', '{"revenue":25,"currency":"USD"}', ?2),
     ('custom', 'purchase', ?1, 's6', 'v6', '/', '{}', ?3)`,
    SITE,
    `${D1}T12:30:00.000Z`,
    `${D2}T09:40:00.000Z`,
  );
  const goal = await send(t, "POST", "/api/goals", {
    site_id: SITE,
    name: "Purchase",
    kind: "event",
    event_name: "purchase",
    currency: "eur",
  }, write);
  assert.equal(goal.body.goal.currency, "EUR");
  const revenue = await send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["conversions", "total_revenue", "average_revenue", "revenue_per_visitor"],
    date_range: [D1, D2],
    dimensions: ["event:goal"],
  }, read);
  // The fixture's own purchase (v1, without an amount) converts too: 4 conversions, 2 amounts;
  // 8 visitors over the two days.
  assert.deepEqual(byDims(revenue), { Purchase: [4, 69.9, 34.95, 8.74] });
  const refused = await send(t, "POST", "/api/goals", { ...PRICING, currency: "EUR" }, write);
  assert.match(refused.body.message, /^currency: not used by a page goal/);
});

Deno.test("goals: a site holds at most MAX_GOALS_PER_SITE goals (409 too_many, nothing stored); another site still adds", async () => {
  const t = await fixtureApp();
  for (let i = 0; i < MAX_GOALS_PER_SITE; i++) {
    t.services.db.run(
      "INSERT INTO goals (site_id, name, kind, page) VALUES (?, ?, 'page', '/')",
      SITE,
      `g${i}`,
    );
  }
  const before = tableRowCounts(t);
  const full = await send(t, "POST", "/api/goals", PRICING);
  assert.deepEqual([full.status, full.body.error], [409, "too_many"]);
  assert.match(full.body.message, new RegExp(`${SITE} has ${MAX_GOALS_PER_SITE} goals`));
  // A name the site has is still a conflict, not a full site.
  const taken = await send(t, "POST", "/api/goals", { ...PRICING, name: "g0" });
  assert.equal(taken.body.error, "conflict");
  assert.deepEqual(tableRowCounts(t), before);
  assert.equal((await send(t, "POST", "/api/goals", { ...PRICING, site_id: "other" })).status, 201);
});
