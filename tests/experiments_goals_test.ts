// Issue 17 item 7: an experiment whose metric is one of its site's goals (page, event with
// property values, scroll), counted by the goals' own matcher among each variant's exposed
// sessions at or after their first exposure; and results that count only the rows the bot setting
// keeps (default hide: scores below the threshold), with rows on both sides of it. Refusals name
// the field and store nothing; event-name experiments are unchanged.
import assert from "node:assert/strict";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { changeStatus, createExperiment } from "../lib/experiments/mod.ts";
import { insertEvents, insertViews, registerSite, storeGoal } from "./_admin.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };
const NOW = Date.parse("2026-11-20T12:00:00.000Z"); // the helper's frozen clock
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const STARTED = NOW - 600 * MINUTE;

async function api(t: TestApp, path: string, method = "GET", body?: unknown) {
  const res = await t.request(path, {
    method,
    headers: { ...AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The app with the sites shop and blog known. */
async function app(): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  registerSite(t, "shop");
  registerSite(t, "blog");
  return t;
}

async function goal(t: TestApp, body: Record<string, unknown>): Promise<number> {
  const res = await api(t, "/api/goals", "POST", { site_id: "shop", ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.created;
}

/** Creates and starts (at STARTED) an experiment of the site shop with control and green. */
async function experiment(t: TestApp, id: string, metric: Record<string, unknown>) {
  t.clock.now = STARTED - MINUTE;
  const created = await api(t, "/api/experiments", "POST", {
    experiment_id: id,
    name: id,
    site_id: "shop",
    variants: [{ variant_id: "control", is_control: true }, { variant_id: "green" }],
    ...metric,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  t.clock.now = STARTED;
  const started = await api(t, `/api/experiments/${id}`, "PATCH", { status: "active" });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  t.clock.now = NOW;
  return created.body.experiment;
}

let counter = 0;
/** A tab session exposed to `variant` of `experiment` at `at`, with its bot score. */
function session(experiment: string, variant: string, at: number, botScore = 0) {
  const sid = `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;
  const common = { session_id: sid, visitor_id: `v-${counter}`, bot_score: botScore };
  const exposure: Partial<EventRow> = {
    ...common,
    event_type: "exposure",
    experiment_id: experiment,
    variant_id: variant,
    created_at: iso(at),
  };
  return {
    exposure,
    event: (name: string, data: Record<string, string>, when: number): Partial<EventRow> => ({
      ...common,
      event_type: "custom",
      event_name: name,
      data: JSON.stringify({ name, ...data }),
      created_at: iso(when),
    }),
    view: (path: string, when: number): Partial<ViewRow> => ({
      ...common,
      path,
      created_at: iso(when),
    }),
    end: (path: string, scroll: number, when: number): Partial<EventRow> => ({
      ...common,
      event_type: "pageview_end",
      path,
      scroll_pct: scroll,
      created_at: iso(when),
    }),
  };
}

async function results(t: TestApp, id: string, bots?: string) {
  const res = await api(
    t,
    `/api/stats/experiments?experiment_id=${id}${bots ? `&bots=${bots}` : ""}`,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const r = res.body[0];
  const counts = Object.fromEntries(
    r.variants.map((v: { variant_id: string; exposures: number; conversions: number }) => [
      v.variant_id,
      [v.exposures, v.conversions],
    ]),
  );
  return { r, counts };
}

Deno.test("experiment on an event goal: conversions with the goal's property values, after exposure, humans by default", async () => {
  const t = await app();
  const goalId = await goal(t, {
    name: "Pro signup",
    kind: "event",
    event_name: "signup",
    props: { plan: "pro" },
  });
  const stored = await experiment(t, "pricing", { metric_goal_id: goalId });
  assert.deepEqual(
    [stored.metric, stored.metric_kind, stored.metric_goal_id],
    [`goal:${goalId}`, "goal", goalId],
  );
  const at = (i: number) => STARTED + (i + 1) * MINUTE;
  const events: Partial<EventRow>[] = [];
  // Control: 4 sessions; 2 convert after exposure, 1 signs up for "free", 1 converted before.
  for (let i = 0; i < 4; i++) {
    const s = session("pricing", "control", at(i));
    events.push(s.exposure);
    if (i < 2) events.push(s.event("signup", { plan: "pro" }, at(i) + 1000));
    if (i === 2) events.push(s.event("signup", { plan: "free" }, at(i) + 1000));
    if (i === 3) events.push(s.event("signup", { plan: "pro" }, at(i) - 1000));
  }
  // Green: 5 sessions, 3 convert (one with an extra property: still the goal).
  for (let i = 0; i < 5; i++) {
    const s = session("pricing", "green", at(i));
    events.push(s.exposure);
    if (i < 3) events.push(s.event("signup", { plan: "pro", seats: String(i) }, at(i) + 2000));
  }
  // Green bots: one just below the threshold (49, counts as human), three at or above it.
  for (const score of [49, 50, 80, 100]) {
    const s = session("pricing", "green", at(0), score);
    events.push(s.exposure, s.event("signup", { plan: "pro" }, at(0) + 500));
  }
  insertEvents(t, events);

  const human = await results(t, "pricing");
  assert.deepEqual(human.counts, { control: [4, 2], green: [6, 4] });
  assert.equal(human.r.metric_kind, "goal");
  assert.equal(human.r.bots, "hide");
  assert.deepEqual(human.r.goal, {
    id: goalId,
    name: "Pro signup",
    kind: "event",
    description: "Event signup where plan = pro",
  });
  assert.deepEqual((await results(t, "pricing", "hide")).counts, human.counts);
  const all = await results(t, "pricing", "show");
  assert.deepEqual(all.counts, { control: [4, 2], green: [9, 7] });
  assert.ok(all.r.notes.some((n: string) => n.startsWith("Bots shown")), all.r.notes.join("|"));
  const bots = await results(t, "pricing", "only");
  assert.deepEqual(bots.counts, { control: [0, 0], green: [3, 3] });

  // The MCP summary names the goal.
  const list = await api(t, "/api/stats/experiments?site_id=shop");
  assert.equal(list.body[0].goal.name, "Pro signup");
});

Deno.test("experiment on a page goal (wildcard) and on a scroll goal: views and finished views after exposure", async () => {
  const t = await app();
  const pageGoal = await goal(t, { name: "Thanks", kind: "page", page: "/order/*/thanks" });
  const scrollGoal = await goal(t, {
    name: "Read pricing",
    kind: "scroll",
    page: "/pricing",
    scroll_depth: 75,
  });
  await experiment(t, "thanks", { metric_goal_id: pageGoal });
  await experiment(t, "scroll", { metric: `goal:${scrollGoal}` });
  const at = (i: number) => STARTED + (i + 1) * MINUTE;
  const events: Partial<EventRow>[] = [];
  const views: Partial<ViewRow>[] = [];
  // thanks: control 3 sessions (1 converts, 1 sees /order/1/thanks before its exposure, 1 sees
  // /order/1/2/thanks, which * does not match); green 2 sessions, both convert, plus a bot.
  const c = [0, 1, 2].map((i) => session("thanks", "control", at(i)));
  events.push(...c.map((s) => s.exposure));
  views.push(c[0].view("/order/7/thanks", at(0) + 1000));
  views.push(c[1].view("/order/1/thanks", at(1) - 1000));
  views.push(c[2].view("/order/1/2/thanks", at(2) + 1000));
  const g = [0, 1].map((i) => session("thanks", "green", at(i)));
  events.push(...g.map((s) => s.exposure));
  views.push(...g.map((s, i) => s.view(`/order/${i}/thanks`, at(i) + 3000)));
  const bot = session("thanks", "green", at(0), 90);
  events.push(bot.exposure);
  views.push(bot.view("/order/9/thanks", at(0) + 1000));
  // scroll: control 2 (one reads 80 %, one 50 %), green 1 (reads 75 %: the depth itself counts).
  const sc = [0, 1].map((i) => session("scroll", "control", at(i)));
  const sg = session("scroll", "green", at(0));
  events.push(sc[0].exposure, sc[1].exposure, sg.exposure);
  events.push(sc[0].end("/pricing", 80, at(0) + 1000), sc[1].end("/pricing", 50, at(1) + 1000));
  events.push(sg.end("/pricing", 75, at(0) + 1000));
  insertEvents(t, events);
  insertViews(t, views);

  const thanks = await results(t, "thanks");
  assert.deepEqual(thanks.counts, { control: [3, 1], green: [2, 2] });
  assert.equal(thanks.r.goal.description, "Visit /order/*/thanks");
  assert.deepEqual((await results(t, "thanks", "show")).counts, { control: [3, 1], green: [3, 3] });
  const scroll = await results(t, "scroll");
  assert.deepEqual(scroll.counts, { control: [2, 1], green: [1, 1] });
  assert.equal(scroll.r.goal.name, "Read pricing");

  // A deleted goal: nothing converts, and the notes say why.
  assert.equal((await api(t, `/api/goals/${scrollGoal}`, "DELETE")).status, 200);
  const gone = await results(t, "scroll");
  assert.deepEqual(gone.counts, { control: [2, 0], green: [1, 0] });
  assert.equal(gone.r.goal, null);
  assert.ok(
    gone.r.notes.some((n: string) => n.includes("no longer exists")),
    gone.r.notes.join("|"),
  );
});

Deno.test("event-name experiments: bots at and above the threshold never count by default", async () => {
  const t = await app();
  await experiment(t, "legacy", { metric: "purchase" });
  const events: Partial<EventRow>[] = [];
  for (const score of [0, 49, 50, 99]) {
    const s = session("legacy", "green", STARTED + MINUTE, score);
    events.push(s.exposure, s.event("purchase", {}, STARTED + 2 * MINUTE));
  }
  // A human exposed session whose conversion was scored as a bot: exposed, not converted.
  const mixed = session("legacy", "control", STARTED + MINUTE);
  events.push(mixed.exposure, {
    ...mixed.event("purchase", {}, STARTED + 2 * MINUTE),
    bot_score: 60,
  });
  insertEvents(t, events);
  const human = await results(t, "legacy");
  assert.equal(human.r.metric_kind, "custom");
  assert.equal(human.r.goal, null);
  assert.deepEqual(human.counts, { control: [1, 0], green: [2, 2] });
  assert.deepEqual((await results(t, "legacy", "show")).counts, { control: [1, 1], green: [4, 4] });
  assert.deepEqual((await results(t, "legacy", "only")).counts, { control: [0, 0], green: [2, 2] });
});

Deno.test("goal metric refusals: 400 naming the field, nothing stored", async () => {
  const t = await app();
  const blogGoal = await api(t, "/api/goals", "POST", {
    site_id: "blog",
    name: "Read",
    kind: "page",
    page: "/read",
  });
  const shopGoal = await goal(t, { name: "Thanks", kind: "page", page: "/thanks" });
  const base = {
    experiment_id: "bad",
    name: "Bad",
    site_id: "shop",
    variants: [{ variant_id: "control", is_control: true }, { variant_id: "green" }],
  };
  const cases: [Record<string, unknown>, string][] = [
    [{ metric_goal_id: blogGoal.body.created }, "metric_goal_id"],
    [{ metric_goal_id: 999 }, "metric_goal_id"],
    [{ metric_goal_id: "abc" }, "metric_goal_id"],
    [{ metric_goal_id: shopGoal, metric: "purchase" }, "metric_goal_id"],
    [{ metric_kind: "goal", metric: "purchase" }, "metric_goal_id"],
  ];
  for (const [extra, field] of cases) {
    const res = await api(t, "/api/experiments", "POST", { ...base, ...extra });
    assert.equal(res.status, 400, JSON.stringify(extra));
    assert.match(JSON.stringify(res.body), new RegExp(field), JSON.stringify(res.body));
  }
  assert.equal((await api(t, "/api/experiments/bad")).status, 404);
  const bots = await api(t, "/api/stats/experiments?bots=maybe");
  assert.equal(bots.status, 400);
  assert.match(JSON.stringify(bots.body), /bots/);
  // A draft edited onto a goal, and back.
  await api(t, "/api/experiments", "POST", { ...base, metric: "purchase" });
  const edited = await api(t, "/api/experiments/bad", "PATCH", { metric_goal_id: shopGoal });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.experiment.metric_goal_id, shopGoal);
  const back = await api(t, "/api/experiments/bad", "PATCH", { metric: "purchase" });
  assert.equal(back.body.experiment.metric_kind, "custom");
});

Deno.test("public mode: the results show the goal and the bot setting, read-only", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET, ECHELON_PUBLIC_MODE: "true" });
  registerSite(t, "shop");
  const goal = await storeGoal(t, {
    site_id: "shop",
    name: "Thanks",
    kind: "page",
    page: "/thanks",
  });
  t.clock.now = STARTED;
  await createExperiment(t.services.store, {
    experiment_id: "open",
    name: "Open",
    site_id: "shop",
    metric_goal_id: goal.id,
    variants: [{ variant_id: "control", is_control: true }, { variant_id: "green" }],
  }, STARTED);
  await changeStatus(t.services.store, { id: "open", to: "active", now: STARTED });
  t.clock.now = NOW;
  const s = session("open", "green", STARTED + MINUTE);
  insertEvents(t, [s.exposure]);
  insertViews(t, [s.view("/thanks", STARTED + 2 * MINUTE)]);
  const res = await t.request("/api/stats/experiments?experiment_id=open&bots=show");
  assert.equal(res.status, 200);
  const [r] = await res.json();
  assert.deepEqual(r.goal, {
    id: goal.id,
    name: "Thanks",
    kind: "page",
    description: "Visit /thanks",
  });
  assert.equal(r.bots, "show");
  assert.deepEqual([r.exposures, r.conversions], [1, 1]);
  const one = await (await t.request("/api/experiments/open")).json();
  assert.equal(one.metric_goal_id, goal.id);
  const page = await (await t.request("/admin/experiments/open")).text();
  assert.match(page, /id="metric-goal"[^>]*>Thanks</);
  assert.match(page, /id="results-bots"/, "a read-only selector (GET)");
  assert.doesNotMatch(page, /method="post"/);
});
