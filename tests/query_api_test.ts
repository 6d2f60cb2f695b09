// POST /api/v2/query on the fixture of tests/_stats_fixture.ts: Plausible-shaped requests and
// answers, 400 invalid_query naming the field (and nothing stored), who may ask (bearer, read API
// key, admin session, public mode), and the engine's totals equal to /api/stats/overview's.
import assert from "node:assert/strict";
import { refreshRollups } from "../lib/stats/mod.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, tableRowCounts, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { AUTH, D0, D1, D2, getJson, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

async function fixtureApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ...env });
  insertFixture(t);
  await refreshRollups(t.services);
  return t;
}

async function query(
  t: TestApp,
  body: unknown,
  headers: Record<string, string> = AUTH,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await t.request("/api/v2/query", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("v2 query: an aggregate and a breakdown, in Plausible's shapes", async () => {
  const t = await fixtureApp();
  const before = tableRowCounts(t);
  const total = await query(t, {
    site_id: SITE,
    metrics: ["visitors", "pageviews", "visits", "bounce_rate", "views_per_visit"],
    date_range: [D1, D2],
  });
  assert.equal(total.status, 200);
  // The fixture's header: D1 8 views, 5 visitors, 5 sessions, 2 bounces; D2 5, 3, 2, 1.
  assert.deepEqual(total.body.results, [{ dimensions: [], metrics: [8, 13, 7, 42.9, 1.86] }]);
  assert.deepEqual(total.body.query.date_range, [
    `${D1}T00:00:00+00:00`,
    `${D2}T23:59:59+00:00`,
  ]);
  assert.equal(total.body.query.bots, "hide");
  assert.equal(total.body.query.bot_threshold, 50);

  const countries = await query(t, {
    site_id: SITE,
    metrics: ["visitors", "pageviews"],
    date_range: [D1, D2],
    dimensions: ["visit:country"],
    order_by: [["pageviews", "desc"]],
    pagination: { limit: 2, offset: 1 },
    include: { total_rows: true },
  });
  assert.equal(countries.status, 200);
  assert.deepEqual(countries.body.results, [
    { dimensions: ["GB"], metrics: [2, 3] },
    { dimensions: ["DE"], metrics: [1, 2] },
  ]);
  assert.deepEqual(countries.body.meta, { total_rows: 5 });

  const pricing = await query(t, {
    site_id: SITE,
    metrics: ["pageviews", "visitors"],
    date_range: "7d",
    dimensions: ["time:day"],
    filters: [["is", "event:page", ["/pricing"]]],
    include: { time_labels: true, comparisons: { mode: "previous_period" } },
  });
  assert.equal(pricing.status, 200);
  assert.deepEqual(pricing.body.results.map((r: { dimensions: string[] }) => r.dimensions), [
    [D1],
    [D2],
  ]);
  assert.equal(pricing.body.meta.time_labels.length, 7);
  assert.equal(pricing.body.meta.time_labels[6], D2);
  assert.deepEqual(pricing.body.query.filters, [["is", "event:page", ["/pricing"]]]);
  // The previous 7 days have no /pricing view: every change from 0 is null.
  assert.deepEqual(pricing.body.results[0].comparison, {
    dimensions: ["2026-11-12"],
    metrics: [0, 0],
    change: [null, null],
  });
  assert.deepEqual(tableRowCounts(t), before, "a query stores nothing");
});

Deno.test("v2 query: invalid queries answer 400 invalid_query naming the field", async () => {
  const t = await fixtureApp();
  const base = { site_id: SITE, metrics: ["visitors"], date_range: "7d" };
  const cases: [unknown, RegExp][] = [
    [{ ...base, metrics: ["visitorz"] }, /^metrics\[0\]: "visitorz" is not a metric/],
    [{ ...base, metrics: [] }, /^metrics: /],
    [{ ...base, dimensions: ["visit:planet"] }, /^dimensions\[0\]: "visit:planet" is not a/],
    [{ ...base, filters: [["equals", "visit:country", ["DE"]]] }, /^filters\[0\]\[0\]: "equals"/],
    [{ ...base, filters: [["is", "visit:cuntry", ["DE"]]] }, /^filters\[0\]\[1\]: "visit:cuntry"/],
    [{ ...base, filters: [["is", "visit:country", "DE"]] }, /^filters\[0\]\[2\]: expected/],
    [{ ...base, filters: [["matches", "event:page", ["(a+)+$"]]] }, /^filters\[0\]\[2\]\[0\]: /],
    [
      { ...base, filters: [["or", [["is", "event:page", ["/"]], ["is"]]]] },
      /^filters\[0\]\[1\]\[1\]/,
    ],
    [{ ...base, filters: [["is", "time:day", [D1]]] }, /^filters\[0\]\[1\]: filter time/],
    [
      { ...base, dimensions: ["visit:country", "time:minute"] },
      /^dimensions\[1\]: time:minute needs a range of up to 2 days/,
    ],
    [{ ...base, date_range: "fortnight" }, /^date_range: expected one of day, 7d/],
    [{ ...base, date_range: ["2026-13-01", D2] }, /^date_range\[0\]: "2026-13-01"/],
    [{ ...base, date_range: [D2, D1] }, /^date_range: 2026-11-20 is after 2026-11-19/],
    [{ ...base, order_by: [["pageviews", "desc"]] }, /^order_by\[0\]: "pageviews" is neither/],
    [{ ...base, timezone: "Mars/Olympus" }, /^timezone: "Mars\/Olympus" is not an IANA/],
    [{ ...base, pagination: { limit: 0 } }, /^pagination\.limit: /],
    [{ ...base, metrics: ["percentage"] }, /^metrics: percentage needs at least one dimension/],
    [{ ...base, site_id: "not a site!" }, /^site_id: /],
    [{ ...base, bots: "maybe" }, /^bots: /],
    [{ ...base, surprise: 1 }, /surprise/],
    [{ metrics: ["visitors"], date_range: "7d" }, /^site_id is required/],
  ];
  const before = tableRowCounts(t);
  for (const [body, message] of cases) {
    const res = await query(t, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error, "invalid_query", JSON.stringify(res.body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  const notJson = await t.request("/api/v2/query", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: "{",
  });
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("v2 query: bearer, read API key, admin session; refused without; public mode", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const body = { site_id: SITE, metrics: ["pageviews"], date_range: [D1, D2] };
  const expected = [{ dimensions: [], metrics: [13] }];
  assert.equal((await query(t, body, {})).status, 401);
  const minted = await t.request("/api/keys", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ name: "grafana", scope: "read" }),
  });
  const { key } = await minted.json();
  const withKey = await query(t, body, { authorization: `Bearer ${key}` });
  assert.equal(withKey.status, 200, JSON.stringify(withKey.body));
  assert.deepEqual(withKey.body.results, expected);
  // The read key still may not write.
  const write = await t.request("/api/bots/exclude", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ visitor_id: "v1" }),
  });
  assert.equal(write.status, 403);
  await write.body?.cancel();
  const cookie = await loginCookie(t);
  const session = await query(t, body, { cookie, origin: TEST_ORIGIN });
  assert.equal(session.status, 200);
  assert.deepEqual(session.body.results, expected);
  const forged = await query(t, body, { cookie, origin: "https://evil.example" });
  assert.equal(forged.status, 403);

  // Public mode: the query is not in its allow-list (aggregates of any shape, not yet reviewed):
  // anonymous callers are refused, credentials read as on a private instance.
  const pub = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
  const before = tableRowCounts(pub);
  const anonymous = await query(pub, body, {});
  assert.equal(anonymous.status, 403);
  assert.equal(anonymous.body.error, "not_public");
  assert.deepEqual(tableRowCounts(pub), before);
  const bearer = await query(pub, body);
  assert.equal(bearer.status, 200);
  assert.deepEqual(bearer.body.results, expected);
});

Deno.test("v2 query: unfiltered and filtered totals equal /api/stats/overview's", async () => {
  const t = await fixtureApp();
  const cases: [string, string, string, unknown[]][] = [
    ["days=2", D1, D2, []],
    ["days=3", D0, D2, []],
    [`from=${D1}&to=${D1}`, D1, D1, []],
    ["days=2&country=US", D1, D2, [["is", "visit:country", ["US"]]]],
    ["days=2&path=/pricing", D1, D2, [["is", "event:page", ["/pricing"]]]],
    ["days=3&path_contains=/p", D0, D2, [["contains", "event:page", ["/p"]]]],
  ];
  const engaged: number[] = [];
  for (const [params, from, to, filters] of cases) {
    const o = await getJson(t, `/api/stats/overview?site_id=${SITE}&${params}`);
    const q = await query(t, {
      site_id: SITE,
      metrics: [
        "visitors",
        "pageviews",
        "visits",
        "bounce_rate",
        "views_per_visit",
        "engagement_time",
      ],
      date_range: [from, to],
      filters,
    });
    assert.equal(q.status, 200);
    const [engagement, ...rest] = q.body.results[0].metrics.toReversed();
    assert.deepEqual(
      rest.toReversed(),
      [o.unique_visitors, o.pageviews, o.sessions, o.bounce_rate, o.pages_per_session],
      params,
    );
    // Event figures differ under a filter (the overview counts the events of visitors with a
    // matching view, the engine the matching events themselves): compared unfiltered.
    if (filters.length === 0) {
      assert.equal(engagement, o.avg_engagement_ms, params);
      engaged.push(engagement);
    }
    assert.ok(o.pageviews > 0, params);
  }
  assert.ok(engaged.some((ms) => ms > 0), `engagement compared on real figures: ${engaged}`);
});

Deno.test("v2 query: on a file database it runs in a read process, answering what inline does", async () => {
  const dir = await Deno.makeTempDir();
  const env = { ECHELON_DB_PATH: `${dir}/query.db`, ECHELON_SECRET: SECRET };
  const threaded = await createTestApp({ ...env, ECHELON_READ_THREADS: "1" });
  const inline = await createTestApp({ ...env, ECHELON_READ_THREADS: "0" });
  try {
    insertFixture(threaded);
    const body = {
      site_id: SITE,
      metrics: ["visitors", "pageviews", "events", "bounce_rate"],
      date_range: [D0, D2],
      dimensions: ["visit:entry_page"],
      filters: [["matches", "event:page", ["^/(pricing|signup)$"]]],
    };
    const [a, b] = await Promise.all([query(threaded, body), query(inline, body)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, b.body);
    assert.ok(a.body.results.length > 0);
    assert.ok(threaded.services.reads.stats().processes >= 1, "the query ran in a read process");
  } finally {
    for (const t of [threaded, inline]) {
      for (const hook of t.services.shutdownHooks) await hook.run();
      t.services.db.close();
    }
    await Deno.remove(dir, { recursive: true });
  }
});
