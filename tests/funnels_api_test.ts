// Funnels over HTTP (/api/funnels, POST /api/v2/funnel) on the fixture of tests/_stats_fixture.ts:
// save, list, get, change, delete; results of a stored funnel and of inline steps (the fixture's
// known visits), per visitor, in any order, with a breakdown; refusals naming the field with
// nothing stored; who may read and write; public mode.
import assert from "node:assert/strict";
import { AUTH_ENV } from "./_auth.ts";
import { type Answer, fixtureApp, send } from "./_api_fixture.ts";
import { tableRowCounts, type TestApp } from "./_helpers.ts";
import { D1, D2, SITE } from "./_stats_fixture.ts";
import { MAX_FUNNELS_PER_SITE } from "../lib/query/funnels.ts";

const SIGNUP = {
  site_id: SITE,
  name: "Signup",
  steps: [{ page: "/" }, { page: "/pricing", label: "Pricing" }, { event_name: "signup" }],
};

const results = (t: TestApp, more: Record<string, unknown>, headers?: Record<string, string>) =>
  send(t, "POST", "/api/v2/funnel", { site_id: SITE, date_range: [D1, D2], ...more }, headers);

const counts = (a: Answer) =>
  a.body.steps.map((s: { label: string; visitors: number }) => `${s.label}:${s.visitors}`);

Deno.test("funnels: save, list, get; results by id and inline, per visit and visitor, any order, a breakdown; change and delete", async () => {
  const t = await fixtureApp();
  const saved = await send(t, "POST", "/api/funnels", { ...SIGNUP, site_id: "SHOP" });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const id = saved.body.created;
  assert.deepEqual({ ...saved.body.funnel, created_at: undefined }, {
    id,
    site_id: SITE,
    name: "Signup",
    steps: SIGNUP.steps,
    order: "strict",
    per: "visit",
    created_at: undefined,
  });
  assert.deepEqual((await send(t, "GET", `/api/funnels?site_id=${SITE}`)).body, [
    saved.body.funnel,
  ]);
  assert.deepEqual((await send(t, "GET", `/api/funnels/${id}`)).body, saved.body.funnel);

  // The fixture's visits over the 19th and 20th: "/" in s1, s2, s3 (after /pricing), s5, s6 and
  // s7; then /pricing in s1 (60 s later), s5 (20 min, past midnight) and s6 (30 min); then signup
  // in s1 (90 s after /pricing) and s6 (60 s). The bot's and the excluded visitor's are not counted.
  const byId = await results(t, { funnel_id: id });
  assert.equal(byId.status, 200, JSON.stringify(byId.body));
  assert.deepEqual(byId.body.steps, [
    { label: "/", visitors: 6, dropoff: 0, conversion_rate: 100, median_seconds: null },
    { label: "Pricing", visitors: 3, dropoff: 3, conversion_rate: 50, median_seconds: 1200 },
    { label: "signup", visitors: 2, dropoff: 1, conversion_rate: 33.3, median_seconds: 75 },
  ]);
  assert.deepEqual((await results(t, { steps: SIGNUP.steps })).body.steps, byId.body.steps);
  // In any order, s3 (/pricing before /) gets through the second step too.
  assert.deepEqual(counts(await results(t, { funnel_id: id, order: "any" })), [
    "/:6",
    "Pricing:4",
    "signup:2",
  ]);
  // Per visitor: v5's views of the 20th have a new daily id, so its "/" (the 19th) and "/pricing"
  // (the 20th) are two visitors': of the six visitors who viewed "/", v1 and v6 go on.
  assert.deepEqual(counts(await results(t, { funnel_id: id, per: "visitor" })), [
    "/:6",
    "Pricing:2",
    "signup:2",
  ]);
  // Filtered like every report: the visits from google.com (s1 and s6).
  const google = await results(t, {
    funnel_id: id,
    filters: [["is", "visit:source", ["google.com"]]],
  });
  assert.deepEqual(counts(google), ["/:2", "Pricing:2", "signup:2"]);
  const bySource = await results(t, { funnel_id: id, breakdown: "visit:source" });
  const google2 = bySource.body.breakdown.find((b: { value: string }) => b.value === "google.com");
  assert.deepEqual(google2.steps.map((s: { visitors: number }) => s.visitors), [2, 2, 2]);
  assert.equal(
    bySource.body.breakdown.reduce((n: number, b: Answer["body"]) => n + b.steps[0].visitors, 0),
    6,
  );

  const changed = await send(t, "PUT", `/api/funnels/${id}`, {
    ...SIGNUP,
    steps: [{ page: "/" }, { event_name: "signup" }],
    per: "visitor",
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.deepEqual(counts(await results(t, { funnel_id: id })), ["/:6", "signup:2"]);
  const deleted = await send(t, "DELETE", `/api/funnels/${id}`);
  assert.deepEqual([deleted.status, deleted.body], [200, { deleted: id }]);
  const gone = await results(t, { funnel_id: id });
  assert.deepEqual([gone.status, gone.body.error], [400, "invalid_query"]);
  assert.match(gone.body.message, /^funnel_id: no funnel/);
});

Deno.test("funnels: bad input is refused naming the field, and nothing is stored", async () => {
  const t = await fixtureApp();
  assert.equal((await send(t, "POST", "/api/funnels", SIGNUP)).status, 201);
  const before = tableRowCounts(t);
  const cases: [unknown, number, string, RegExp][] = [
    [{ ...SIGNUP, name: "" }, 400, "invalid_funnel", /^name/],
    [{ ...SIGNUP, steps: [{ page: "/" }] }, 400, "invalid_funnel", /^steps: expected 2-8 steps/],
    [{ ...SIGNUP, steps: Array(9).fill({ page: "/" }) }, 400, "invalid_funnel", /^steps/],
    [{ ...SIGNUP, steps: [{ page: "/" }, {}] }, 400, "invalid_funnel", /page or an event_name/],
    [
      { ...SIGNUP, steps: [{ page: "/" }, { page: "/x", event_name: "y" }] },
      400,
      "invalid_funnel",
      /page or an event_name/,
    ],
    [{ ...SIGNUP, steps: [{ page: "x" }, { page: "/" }] }, 400, "invalid_funnel", /starts with \//],
    [{ ...SIGNUP, order: "random" }, 400, "invalid_funnel", /^order/],
    [{ ...SIGNUP, site_id: "nowhere" }, 404, "not_found", /nowhere/],
    [SIGNUP, 409, "conflict", /already has a funnel "Signup"/],
  ];
  for (const [body, status, error, message] of cases) {
    const res = await send(t, "POST", "/api/funnels", body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(res.body.error, error, JSON.stringify(body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  assert.deepEqual(tableRowCounts(t), before);
  const refused: [Record<string, unknown>, RegExp][] = [
    [{}, /^steps: give funnel_id or 2-8 steps/],
    [{ funnel_id: 1, steps: SIGNUP.steps }, /^steps: give funnel_id or steps, not both/],
    [{ steps: SIGNUP.steps, breakdown: "visit:cuntry" }, /^breakdown/],
    [{ steps: SIGNUP.steps, breakdown: "time:day" }, /^breakdown/],
    [{ steps: SIGNUP.steps, filters: [["is", "visit:cuntry", ["DE"]]] }, /^filters\[0\]\[1\]/],
  ];
  for (const [more, message] of refused) {
    const res = await results(t, more);
    assert.deepEqual([res.status, res.body.error], [400, "invalid_query"], JSON.stringify(more));
    assert.match(res.body.message, message, JSON.stringify(more));
  }
});

Deno.test("funnels: read keys list them and read results, writes need a write key; public mode shows none", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const mint = async (scope: string) =>
    (await send(t, "POST", "/api/keys", { name: scope, scope })).body.key as string;
  const read = { authorization: `Bearer ${await mint("read")}` };
  const write = { authorization: `Bearer ${await mint("write")}` };
  const denied = await send(t, "POST", "/api/funnels", SIGNUP, read);
  assert.deepEqual([denied.status, denied.body.error], [403, "insufficient_scope"]);
  assert.equal(t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM funnels")!.n, 0);
  const saved = await send(t, "POST", "/api/funnels", SIGNUP, write);
  assert.equal(saved.status, 201);
  assert.equal((await send(t, "GET", "/api/funnels", undefined, read)).body.length, 1);
  assert.deepEqual(counts(await results(t, { funnel_id: saved.body.created }, read)), [
    "/:6",
    "Pricing:3",
    "signup:2",
  ]);
  assert.equal((await results(t, { steps: SIGNUP.steps }, {})).status, 401);

  const pub = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
  assert.equal((await send(pub, "POST", "/api/funnels", SIGNUP)).body.error, "read_only");
  for (const path of ["/api/funnels", "/api/funnels/1"]) {
    const res = await send(pub, "GET", path, undefined, {});
    assert.deepEqual([res.status, res.body.error], [403, "not_public"], path);
  }
  const anonymous = await results(pub, { steps: SIGNUP.steps }, {});
  assert.deepEqual([anonymous.status, anonymous.body.error], [403, "not_public"]);
});

Deno.test("funnels: a site holds at most MAX_FUNNELS_PER_SITE funnels (409 too_many, nothing stored)", async () => {
  const t = await fixtureApp();
  for (let i = 0; i < MAX_FUNNELS_PER_SITE; i++) {
    t.services.db.run(
      `INSERT INTO funnels (site_id, name, steps) VALUES (?, ?, '[{"page":"/"},{"page":"/x"}]')`,
      SITE,
      `f${i}`,
    );
  }
  const before = tableRowCounts(t);
  const full = await send(t, "POST", "/api/funnels", SIGNUP);
  assert.deepEqual([full.status, full.body.error], [409, "too_many"]);
  assert.equal(
    (await send(t, "POST", "/api/funnels", { ...SIGNUP, name: "f0" })).body.error,
    "conflict",
  );
  assert.deepEqual(tableRowCounts(t), before);
  assert.equal(
    (await send(t, "POST", "/api/funnels", { ...SIGNUP, site_id: "other" })).status,
    201,
  );
});
