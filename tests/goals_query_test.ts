// Goals in the query engine (lib/query/goals.ts, lib/db/query/goals.ts) against a brute-force count
// over the same raw rows: seeded random views and events on two sites (sessions crossing the
// range's edges, bots, an excluded visitor, events without a visitor), page goals (exact and
// wildcard), event goals with and without property conditions and a scroll goal; then conversions,
// unique conversions and conversion rates by goal and by goal and another dimension, under goal
// filters (is, is_not, contains) with other conditions, the three bot settings, and the ordinary
// metrics of the visits a goal filter keeps — each compared row by row with what the rows say.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { GOAL_BODY, type GoalRecord, newGoal, pageMatches } from "../lib/query/goals.ts";
import { QUERY_BODY, resolveQuery } from "../lib/query/model.ts";
import { runQuery } from "../lib/query/run.ts";
import { HttpError } from "../lib/http_error.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { storeGoal } from "./_admin.ts";
import { type Data, EXCLUDED, generate, SITES } from "./_conversion_rows.ts";

const GOALS = [
  { site_id: "alpha", name: "Thanks", kind: "page", page: "/thanks" },
  { site_id: "alpha", name: "Blog", kind: "page", page: "/blog/**" },
  { site_id: "alpha", name: "Blog top", kind: "page", page: "/blog/*" },
  {
    site_id: "alpha",
    name: "Pro signup",
    kind: "event",
    event_name: "signup",
    props: { plan: "pro" },
  },
  { site_id: "alpha", name: "Signup", kind: "event", event_name: "signup" },
  { site_id: "alpha", name: "Pricing read", kind: "scroll", page: "/pricing", scroll_depth: 80 },
  { site_id: "beta", name: "Thanks", kind: "page", page: "/thanks" },
  { site_id: "beta", name: "Purchase", kind: "event", event_name: "purchase", currency: "EUR" },
  { site_id: "alpha", name: "Paid", kind: "event", event_name: "purchase", currency: "USD" },
];

// ---------------------------------------------------------------------------------------------
// Brute force

type Mode = "hide" | "show" | "only";
interface Ask {
  dimensions: string[];
  filters: unknown[][];
  bots: Mode;
  sites?: string[];
}
const FROM = Date.parse("2026-11-17T00:00:00Z");
const TO = Date.parse("2026-11-20T00:00:00Z");
const DAY = 86_400_000;
const ms = (iso: unknown) => Date.parse(String(iso));

interface Session {
  entry: ViewRow;
  n: number;
  inRange: boolean;
}
type Row = { view?: ViewRow; event?: EventRow; key: string | null };

function propOf(data: unknown, key: string): string | null {
  try {
    const parsed = JSON.parse(String(data));
    return parsed && typeof parsed === "object" && parsed[key] != null ? String(parsed[key]) : null;
  } catch {
    return null;
  }
}

/** The goals a row converts. */
function goalsOf(goals: GoalRecord[], row: Row): GoalRecord[] {
  const site = (row.view ?? row.event)!.site_id;
  return goals.filter((g) => {
    if (g.site_id !== site) return false;
    if (row.view) return g.kind === "page" && pageMatches(g.page!, String(row.view.path));
    const e = row.event!;
    if (g.kind === "event") {
      return e.event_type === "custom" && e.event_name === g.event_name &&
        Object.entries(g.props ?? {}).every(([k, v]) => propOf(e.data, k) === v);
    }
    return g.kind === "scroll" && e.event_type === "pageview_end" &&
      Number(e.scroll_pct ?? -1) >= g.scroll_depth! && pageMatches(g.page!, String(e.path));
  });
}

function test(op: string, values: string[], value: string): boolean {
  const positive = op.replace(/_not$/, "");
  const hit = positive === "is"
    ? values.includes(value)
    : positive === "contains"
    ? values.some((v) => value.includes(v))
    : values.some((v) => new RegExp(v).test(value));
  return hit;
}

function bruteForce(data: Data, goals: GoalRecord[], ask: Ask) {
  const sites = ask.sites ?? SITES;
  const kept = (score: unknown) =>
    ask.bots === "show" || (ask.bots === "hide" ? Number(score) < 50 : Number(score) >= 50);
  const skOf = (r: { site_id: unknown; session_id: unknown; visitor_id: unknown }) =>
    r.session_id !== null
      ? `${r.site_id}|s${r.session_id}`
      : r.visitor_id !== null
      ? `${r.site_id}|v${r.visitor_id}`
      : null;
  const inRange = (iso: unknown) => ms(iso) >= FROM && ms(iso) < TO;
  const mine = (row: { site_id: unknown; visitor_id: unknown }) =>
    sites.includes(String(row.site_id)) && row.visitor_id !== EXCLUDED;
  const window = data.views.filter((v) =>
    mine(v) && ms(v.created_at) >= FROM - DAY && ms(v.created_at) < TO + DAY && kept(v.bot_score)
  );
  const sessions = new Map<string, Session>();
  for (const v of [...window].sort((x, y) => ms(x.created_at) - ms(y.created_at) || x.id - y.id)) {
    const s = sessions.get(skOf(v)!);
    if (s) s.n++;
    else sessions.set(skOf(v)!, { entry: v, n: 1, inRange: inRange(v.created_at) });
  }
  const views: Row[] = data.views
    .filter((v) => mine(v) && inRange(v.created_at) && kept(v.bot_score))
    .map((v) => ({ view: v, key: skOf(v) }));
  const events: Row[] = data.events
    .filter((e) => sites.includes(String(e.site_id)) && e.visitor_id !== EXCLUDED)
    .filter((e) => inRange(e.created_at) && kept(e.bot_score))
    .map((e) => ({ event: e, key: skOf(e) }));
  // The visits with a conversion, and of which goals.
  const converted = new Map<string, Set<string>>();
  for (const row of [...views, ...events]) {
    if (row.key === null) continue;
    for (const g of goalsOf(goals, row)) {
      converted.set(row.key, (converted.get(row.key) ?? new Set()).add(g.name));
    }
  }
  const valueOf = (key: string, row: Row): string => {
    const s = row.key === null ? undefined : sessions.get(row.key);
    const at = (row.view ?? row.event)!.created_at;
    switch (key) {
      case "time:day":
        return String(at).slice(0, 10);
      case "event:page":
        return String((row.view ?? row.event)!.path ?? "(none)");
      case "visit:country":
        return String((row.view ?? s?.entry)?.country_code ?? "unknown");
      case "visit:source": {
        const e = s?.entry;
        return e && e.referrer_type !== "internal" && e.referrer_domain
          ? String(e.referrer_domain)
          : "Direct / None";
      }
    }
    throw new Error(key);
  };
  const holds = (f: unknown[], row: Row): boolean => {
    const [op, a, b] = f as [string, unknown, string[]];
    if (op === "and") return (a as unknown[][]).every((x) => holds(x, row));
    if (op === "or") return (a as unknown[][]).some((x) => holds(x, row));
    if (op === "not") return !holds(a as unknown[], row);
    if (a === "event:goal") {
      const names = [...(row.key === null ? [] : converted.get(row.key) ?? [])];
      const any = names.some((n) => test(op, b, n));
      return op.endsWith("_not") ? !any : any;
    }
    const hit = test(op, b, valueOf(a as string, row));
    return op.endsWith("_not") ? !hit : hit;
  };
  const topGoal = ask.filters.flatMap((f) => f[0] === "and" ? f[1] as unknown[][] : [f])
    .filter((f) => f[1] === "event:goal");
  const counted = (name: string) =>
    topGoal.every(([op, , b]) =>
      test(String(op), b as string[], name) !== String(op).endsWith("_not")
    );
  const matched = (row: Row) => ask.filters.every((f) => holds(f, row));
  // A conversion of a counted goal is one whatever its visit: the top-level positive goal
  // conditions choose the goals counted, not the rows (a batch-API event has no visit).
  const rest = ask.filters.flatMap((f) => f[0] === "and" ? f[1] as unknown[][] : [f])
    .filter((f) => f[1] !== "event:goal" || String(f[0]).endsWith("_not"));
  const converts = (row: Row) => rest.every((f) => holds(f, row));

  type Group = {
    c: number;
    u: Set<string>;
    v: Set<string>;
    pv: number;
    visits: Set<string>;
    rev: number;
    revN: number;
  };
  const groups = new Map<string, Group>();
  const group = (dims: string[]) => {
    const key = JSON.stringify(dims);
    if (!groups.has(key)) {
      groups.set(key, {
        c: 0,
        u: new Set(),
        v: new Set(),
        pv: 0,
        visits: new Set(),
        rev: 0,
        revN: 0,
      });
    }
    return groups.get(key)!;
  };
  const visitorOf = (r: ViewRow | EventRow) =>
    r.visitor_id === null
      ? null
      : `${String(r.created_at).slice(0, 10)}|${r.site_id}|${r.visitor_id}`;
  for (const row of [...views, ...events]) {
    const r = (row.view ?? row.event)!;
    if (row.view && matched(row) && !ask.dimensions.includes("event:goal")) {
      const g = group(ask.dimensions.map((k) => valueOf(k, row)));
      g.pv++;
      g.v.add(visitorOf(r)!);
      if (row.key && sessions.get(row.key)?.inRange) g.visits.add(row.key);
    }
    for (const goal of goalsOf(goals, row)) {
      if (!counted(goal.name) || !converts(row)) continue;
      const g = group(ask.dimensions.map((k) => k === "event:goal" ? goal.name : valueOf(k, row)));
      g.c++;
      const who = visitorOf(r);
      if (who) g.u.add(who);
      const amount = row.event ? revenueOf(goal, row.event) : null;
      if (amount !== null) [g.rev, g.revN] = [g.rev + amount, g.revN + 1];
    }
  }
  return groups;
}

/** Units per euro (the test's exchange_rates; JPY has none). */
const RATES: Record<string, number> = { EUR: 1, USD: 1.25 };

/** A revenue goal's conversion's amount in the goal's currency (null: none to count). */
function revenueOf(goal: GoalRecord, e: EventRow): number | null {
  if (!goal.currency) return null;
  const amount = propOf(e.data, "revenue");
  if (amount === null || !/^[0-9.]+$/.test(amount) || /\..*\./.test(amount)) return null;
  const currency = (propOf(e.data, "currency") ?? goal.currency).toUpperCase();
  if (!(currency in RATES)) return null;
  return Number(amount) * RATES[goal.currency] / RATES[currency];
}

/** The visitors the conversion rate divides by: the ask without the goal. */
function baseVisitors(data: Data, goals: GoalRecord[], ask: Ask, dims: string[]): number {
  const without: Ask = {
    ...ask,
    dimensions: ask.dimensions.filter((k) => k !== "event:goal"),
    filters: ask.filters
      .flatMap((f) => f[0] === "and" ? f[1] as unknown[][] : [f])
      .filter((f) => f[1] !== "event:goal"),
  };
  const kept = dims.filter((_, i) => ask.dimensions[i] !== "event:goal");
  return bruteForce(data, goals, without).get(JSON.stringify(kept))?.v.size ?? 0;
}

// ---------------------------------------------------------------------------------------------
// The comparison

async function seeded(seed: number) {
  const t = await createTestApp();
  const data = generate(seed);
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  await t.services.store.exchangeRates.set({ USD: RATES.USD });
  const goals: GoalRecord[] = [];
  for (const g of GOALS) {
    goals.push(await storeGoal(t, g));
  }
  return { t, data, goals };
}

function ask(t: TestApp, a: Ask, metrics: string[]) {
  const body = QUERY_BODY.parse({
    site_id: a.sites ?? SITES,
    metrics,
    date_range: ["2026-11-17", "2026-11-19"],
    dimensions: a.dimensions,
    filters: a.filters,
    bots: a.bots,
  });
  return runQuery(readContext(t), resolveQuery(body, t.clock.now));
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

async function checkConversions(
  t: TestApp,
  data: Data,
  goals: GoalRecord[],
  a: Ask,
  label: string,
): Promise<number> {
  const got = await ask(t, a, [
    "conversions",
    "unique_conversions",
    "conversion_rate",
    "total_revenue",
    "average_revenue",
    "revenue_per_visitor",
  ]);
  const want = bruteForce(data, goals, a);
  const expected = new Map(
    [...want].filter(([, g]) => g.c > 0).map(([key, g]) => {
      const base = baseVisitors(data, goals, a, JSON.parse(key));
      return [key, [
        g.c,
        g.u.size,
        base ? r1((g.u.size * 100) / base) : 0,
        r2(g.rev),
        g.revN ? r2(g.rev / g.revN) : null,
        base ? r2(g.rev / base) : 0,
      ]];
    }),
  );
  if (a.dimensions.length === 0) {
    const [row] = got.results;
    assert.deepEqual(row.metrics, expected.get("[]") ?? [0, 0, 0, 0, null, 0], label);
    return 1;
  }
  const seen = new Set<string>();
  for (const row of got.results) {
    const key = JSON.stringify(row.dimensions);
    seen.add(key);
    assert.deepEqual(row.metrics, expected.get(key), `${label} ${key}`);
  }
  assert.deepEqual([...seen].sort(), [...expected.keys()].sort(), `${label}: the groups`);
  return seen.size;
}

const BOTS: Mode[] = ["hide", "show", "only"];

Deno.test("goals = brute force: conversions, unique conversions and rates by goal, by goal and another dimension, under goal filters, three bot settings", async () => {
  for (const seed of [1, 2]) {
    const { t, data, goals } = await seeded(seed);
    let rows = 0;
    for (const bots of BOTS) {
      const base: Ask = { dimensions: [], filters: [], bots };
      rows += await checkConversions(
        t,
        data,
        goals,
        { ...base, dimensions: ["event:goal"] },
        `${seed} ${bots} by goal`,
      );
      for (const other of ["visit:source", "visit:country", "event:page", "time:day"]) {
        rows += await checkConversions(
          t,
          data,
          goals,
          { ...base, dimensions: ["event:goal", other] },
          `${seed} ${bots} by goal and ${other}`,
        );
        rows += await checkConversions(
          t,
          data,
          goals,
          { ...base, dimensions: [other], filters: [["is", "event:goal", ["Thanks"]]] },
          `${seed} ${bots} Thanks by ${other}`,
        );
      }
      for (
        const filters of [
          [["is", "event:goal", ["Pro signup"]]],
          [["is", "event:goal", ["Thanks", "Purchase"]]],
          [["contains", "event:goal", ["Blog"]]],
          [["is_not", "event:goal", ["Signup"]]],
          [["is", "event:goal", ["Signup"]], ["is", "visit:country", ["DE", "FI"]]],
          [["and", [["is", "event:goal", ["Blog"]], ["is_not", "event:page", ["/blog/a"]]]]],
        ]
      ) {
        rows += await checkConversions(
          t,
          data,
          goals,
          { ...base, filters },
          `${seed} ${bots} ${JSON.stringify(filters)}`,
        );
        rows += await checkConversions(
          t,
          data,
          goals,
          { ...base, dimensions: ["event:goal"], filters },
          `${seed} ${bots} by goal ${JSON.stringify(filters)}`,
        );
      }
      rows += await checkConversions(
        t,
        data,
        goals,
        { ...base, dimensions: ["event:goal"], sites: ["beta"] },
        `${seed} ${bots} beta alone`,
      );
    }
    assert.ok(rows > 150, `the comparisons covered ${rows} rows`);
    // Revenue was among the figures compared: both revenue goals converted amounts.
    const paid = bruteForce(data, goals, {
      dimensions: ["event:goal"],
      filters: [["is", "event:goal", ["Paid", "Purchase"]]],
      bots: "show",
    });
    for (const name of ["Paid", "Purchase"]) {
      assert.ok(paid.get(JSON.stringify([name]))!.revN > 0, `${name} has amounts`);
    }
  }
});

Deno.test("goals = brute force: a goal filter keeps the visits that converted (visitors, page views and visits by page, country, source)", async () => {
  const { t, data, goals } = await seeded(3);
  let rows = 0;
  for (const bots of BOTS) {
    for (
      const filters of [
        [["is", "event:goal", ["Thanks"]]],
        [["is_not", "event:goal", ["Thanks"]]],
        [["is", "event:goal", ["Pro signup", "Pricing read"]], ["is", "visit:country", ["DE"]]],
        [["or", [["is", "event:goal", ["Blog"]], ["is", "event:page", ["/pricing"]]]]],
        [["not", ["contains", "event:goal", ["Sign"]]]],
      ]
    ) {
      for (const dimensions of [[], ["event:page"], ["visit:country"], ["visit:source"]]) {
        const a: Ask = { dimensions, filters, bots };
        const got = await ask(t, a, ["visitors", "pageviews", "visits"]);
        const want = bruteForce(data, goals, a);
        const label = `${bots} ${JSON.stringify(filters)} by ${dimensions}`;
        const expected = new Map(
          [...want].filter(([, g]) => g.pv > 0).map((
            [k, g],
          ) => [k, [g.v.size, g.pv, g.visits.size]]),
        );
        if (dimensions.length === 0) {
          assert.deepEqual(got.results[0].metrics, expected.get("[]") ?? [0, 0, 0], label);
          rows++;
          continue;
        }
        const engine = new Map(
          got.results.map((r) => [JSON.stringify(r.dimensions), r.metrics]),
        );
        assert.deepEqual(engine, expected, label);
        rows += engine.size;
      }
    }
  }
  assert.ok(rows > 100, `the comparisons covered ${rows} rows`);
});

Deno.test("goals: a goal added, changed or removed changes the answers at once; conversion metrics need a goal", async () => {
  const { t, goals } = await seeded(4);
  const thanks = goals.find((g) => g.site_id === "alpha" && g.name === "Thanks")!;
  const count = async () =>
    (await ask(t, { dimensions: ["event:goal"], filters: [], bots: "hide", sites: ["alpha"] }, [
      "conversions",
    ])).results.map((r) => [r.dimensions[0], r.metrics[0]]);
  const before = new Map(await count() as [string, number][]);
  assert.ok(before.get("Thanks")! > 0, "Thanks converted");
  await t.services.store.goals.update(
    thanks.id,
    newGoal(GOAL_BODY.parse({ site_id: "alpha", name: "Thanks", kind: "page", page: "/nowhere" })),
  );
  assert.equal(new Map(await count() as [string, number][]).get("Thanks"), undefined);
  await t.services.store.goals.delete(goals.find((g) => g.name === "Blog")!.id);
  assert.deepEqual(
    [...new Map(await count() as [string, number][]).keys()].sort(),
    [...before.keys()].filter((k) => k !== "Thanks" && k !== "Blog").sort(),
  );
  // Conversion metrics without a goal, or ordinary metrics by goal: 400 naming the field.
  const refused = (f: () => unknown, field: string) => {
    try {
      f();
      assert.fail("accepted");
    } catch (e) {
      assert.ok(
        e instanceof HttpError && e.status === 400 && e.message.startsWith(field),
        String(e),
      );
    }
  };
  const resolve = (body: Record<string, unknown>) =>
    resolveQuery(QUERY_BODY.parse({ site_id: "alpha", date_range: "7d", ...body }), t.clock.now);
  refused(() => resolve({ metrics: ["visitors", "conversion_rate"] }), "metrics[1]");
  refused(
    () => resolve({ metrics: ["conversions", "visitors"], dimensions: ["event:goal"] }),
    "metrics[1]",
  );
  resolve({ metrics: ["conversion_rate"], filters: [["is", "event:goal", ["Thanks"]]] });
});
