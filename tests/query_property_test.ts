// The query engine (lib/query/, lib/db/query/) against a brute-force count over the same raw rows:
// seeded random views and events (two sites, five UTC days, visitors with several sessions, some
// crossing midnight or the range's edges, bots, an excluded visitor, custom properties), then every
// metric by every dimension, every filter operator on every dimension, and/or/not, the three bot
// settings, a non-UTC zone, the bot report's dimensions (score band, reason, proof-of-work verdict)
// with bots shown, views written in batches out of order (the sessions table, merged by the writer,
// then answers), each compared row by row with what the rows say.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { dimensionFor, DIMENSIONS } from "../lib/query/dimensions.ts";
import { AGGREGATES, CONVERSION_METRICS, metricFor, METRICS } from "../lib/query/metrics.ts";
import { queryBatch } from "../lib/db/query/mod.ts";
import {
  type Filter,
  FILTER_OPERATORS,
  type Query,
  QUERY_BODY,
  resolveQuery,
} from "../lib/query/model.ts";
import { dashboardQueries } from "../lib/stats/engine_overview.ts";
import { runAggregates, runAggregatesBatch, runQuery } from "../lib/query/run.ts";
import { servedByAggregates } from "../lib/db/query/aggregated.ts";
import { AGGREGATE_DIMENSIONS, SESSION_AGGREGATE_DIMENSIONS } from "../lib/db/aggregates.ts";
import { rebuildDirtyAggregates } from "../lib/db/aggregates_rebuild.ts";
import { EVENT_SESSION_DIMENSIONS } from "../lib/db/aggregates_events.ts";
import { purgeViewsBatch } from "../lib/db/retention.ts";
import { createSite, saveSiteSettings } from "../lib/db/sites.ts";
import { addLocalDays, offsetSpans } from "../lib/query/time_zone.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { rng } from "./_random.ts";
import { wallClock } from "./_wall_clock.ts";
import { event, view } from "./_stats_fixture.ts";

// ---------------------------------------------------------------------------------------------
// Random rows

const SITES = ["alpha", "beta"];
const START = Date.parse("2026-11-16T00:00:00.000Z");
const EXCLUDED = "alpha-v3";

interface Data {
  views: (ViewRow & { id: number })[];
  events: EventRow[];
}

/** A bot score and the stored main reason a row at that score may have (counted rows: none). */
function botVerdict(score: number, pick: <T>(list: readonly T[]) => T) {
  const reason = score >= 50
    ? pick(["datacenter", "headless", "no_interaction"])
    : pick([null, null, "no_interaction"]);
  return { bot_score: score, bot_reason: reason };
}

/** `short`: sessions shorter than a day (the per-day aggregates answer the windows they cross). */
function generate(seed: number, short = false): Data {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const views: Data["views"] = [];
  const events: EventRow[] = [];
  const stamp = (ms: number) => new Date(ms).toISOString();
  for (const site of SITES) {
    for (let v = 0; v < 14; v++) {
      const visitor = `${site}-v${v}`;
      const visitorAttrs = {
        country_code: pick(["DE", "FI", "US", null]),
        device_type: pick(["desktop", "mobile", null]),
        os_name: pick(["Windows", "iOS", "Linux", null]),
        browser_name: pick(["Chrome", "Firefox", null]),
        screen_width: pick([0, 400, 700, 1000, 1300, 2000, null]),
      };
      const sessions = 1 + Math.floor(r() * 3);
      for (let s = 0; s < sessions; s++) {
        // Short: only a visitor's first session may go without an id (all of its views without
        // one are one session).
        const sid = r() < 0.8 || (short && s > 0) ? `${visitor}-s${s}` : null;
        let at = START + Math.floor(r() * 5 * 86_400_000);
        const pages = 1 + Math.floor(r() * 4);
        for (let p = 0; p < pages; p++) {
          const first = p === 0;
          const external = pick(["google.com", "t.co", null]);
          views.push({
            id: views.length + 1,
            ...view({
              site_id: site,
              visitor_id: visitor,
              session_id: sid,
              path: pick(["/", "/pricing", "/blog/a", "/blog/b", "/docs"]),
              ...visitorAttrs,
              referrer: first
                ? (external ? `https://${external}/x` : null)
                : `https://${site}.test/`,
              referrer_domain: first ? external : `${site}.test`,
              referrer_type: first ? (external ? "search" : null) : "internal",
              utm_source: first ? pick([null, "news", "ads"]) : null,
              utm_medium: first ? pick([null, "email"]) : null,
              utm_campaign: first ? pick([null, "launch", "fall"]) : null,
              utm_content: first ? pick([null, "hero"]) : null,
              utm_term: first ? pick([null, "analytics"]) : null,
              ...botVerdict(pick([0, 0, 0, 10, 30, 40, 50, 60, 75, 95]), pick),
              pow_verdict: pick(["valid", "valid", "invalid", "missing", null]),
              created_at: stamp(at),
            }),
          });
          if (r() < 0.6) {
            events.push(event({
              site_id: site,
              visitor_id: visitor,
              session_id: sid,
              path: views[views.length - 1].path,
              event_type: pick(["pageview_end", "pageview_end", "custom", "outbound"]),
              event_name: pick(["signup", "purchase"]),
              data: pick(['{"plan":"pro"}', '{"plan":"free","n":3}', "{}", "not json", '{"n":7}']),
              engaged_ms: pick([null, 1500, 12_000]),
              scroll_pct: pick([null, 25, 80, 100]),
              ...botVerdict(pick([0, 0, 20, 70, 80]), pick),
              created_at: stamp(at + 1000),
            }));
          }
          at += pick(
            short ? [30_000, 600_000, 5_400_000] : [30_000, 600_000, 5_400_000, 20 * 3_600_000],
          );
        }
      }
    }
    // Events from the batch API: no visitor, no session.
    for (let i = 0; i < 3; i++) {
      events.push(event({
        site_id: site,
        event_type: "custom",
        event_name: "api_sync",
        data: '{"plan":"pro"}',
        created_at: stamp(START + Math.floor(r() * 5 * 86_400_000)),
        source: "ingest",
      }));
    }
  }
  return { views, events };
}

// ---------------------------------------------------------------------------------------------
// Brute force: the definitions, written out over plain arrays

type Mode = "hide" | "show" | "only";
interface Ask {
  sites: string[];
  from: string;
  to: string;
  zone: string;
  dimensions: string[];
  filters: unknown[];
  bots: Mode;
  threshold: number;
}

interface Session {
  entry: ViewRow & { id: number };
  exit: ViewRow & { id: number };
  n: number;
  durationMs: number;
  inRange: boolean;
}

const ms = (iso: unknown) => Date.parse(String(iso));
const screenClass = (w: unknown) => {
  const n = Number(w ?? 0);
  if (!(n > 0)) return null;
  return n < 576
    ? "xs"
    : n < 768
    ? "sm"
    : n < 992
    ? "md"
    : n < 1200
    ? "lg"
    : n < 1920
    ? "xl"
    : "xxl";
};

/** The wall-clock time in `zone` of an instant (Intl's; ISO for UTC). */
function localStamp(iso: unknown, zone: string): string {
  const at = typeof iso === "number" ? iso : ms(iso);
  return zone === "UTC" ? new Date(at).toISOString() : wallClock(at, zone);
}

const starts = new Map<string, number>();
/** The instant a local date starts in `zone`: the first minute whose wall clock is on it. */
function zoneStart(zone: string, date: string): number {
  const key = `${zone}|${date}`;
  let at = starts.get(key);
  if (at === undefined) {
    at = ms(`${date}T00:00:00Z`) - 15 * 3_600_000;
    while (localStamp(at, zone).slice(0, 10) < date) at += 60_000;
    starts.set(key, at);
  }
  return at;
}

function bucket(iso: unknown, unit: string, zone: string): string {
  const local = localStamp(iso, zone);
  const day = local.slice(0, 10);
  if (unit === "minute") return `${day} ${local.slice(11, 16)}:00`;
  if (unit === "hour") return `${day} ${local.slice(11, 13)}:00:00`;
  if (unit === "month") return `${day.slice(0, 7)}-01`;
  if (unit === "week") {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
  }
  return day;
}

function propOf(data: unknown, key: string): string | null {
  try {
    const parsed = JSON.parse(String(data));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return null;
    const value = parsed[key];
    return value === undefined || value === null ? null : String(value);
  } catch {
    return null;
  }
}

function fieldOf(
  key: string,
  row: { view?: ViewRow; event?: EventRow },
  s: Session | undefined,
  zone: string,
): string {
  const spec = dimensionFor(key)!;
  const attrs = row.view ?? s?.entry;
  const at = row.view?.created_at ?? row.event!.created_at;
  let value: unknown;
  if (key.startsWith("time:")) return bucket(at, key.slice(5), zone);
  if (key.startsWith("event:props:")) {
    value = row.event ? propOf(row.event.data, key.slice("event:props:".length)) : null;
  } else {
    switch (key) {
      case "event:page":
        value = (row.view ?? row.event)!.path;
        break;
      case "event:name":
        value = row.view
          ? "pageview"
          : row.event!.event_type === "custom"
          ? row.event!.event_name
          : row.event!.event_type;
        break;
      case "visit:entry_page":
        value = s?.entry.path;
        break;
      case "visit:exit_page":
        value = s?.exit.path;
        break;
      case "visit:source":
        value = s && s.entry.referrer_type !== "internal" ? s.entry.referrer_domain : null;
        break;
      case "visit:screen":
        value = screenClass(attrs?.screen_width);
        break;
      case "bot:score_bucket": {
        const score = Number((row.view ?? row.event)!.bot_score);
        value = score >= 75 ? "75-100" : score >= 50 ? "50-74" : score >= 25 ? "25-49" : "0-24";
        break;
      }
      case "bot:reason":
        value = (row.view ?? row.event)!.bot_reason;
        break;
      case "bot:pow_verdict":
        value = row.view?.pow_verdict;
        break;
      default: {
        const column = {
          "visit:country": "country_code",
          "visit:device": "device_type",
          "visit:os": "os_name",
          "visit:browser": "browser_name",
        }[key] ?? key.slice("visit:".length);
        value = attrs ? (attrs as Record<string, unknown>)[column] : null;
      }
    }
  }
  return value === null || value === undefined ? spec.empty : String(value);
}

type Row = { view?: ViewRow; event?: EventRow; session?: Session; sk?: string };

function matches(f: unknown[], row: Row, zone: string): boolean {
  const [op, a, b] = f as [string, unknown, unknown];
  if (op === "and") return (a as unknown[][]).every((x) => matches(x, row, zone));
  if (op === "or") return (a as unknown[][]).some((x) => matches(x, row, zone));
  if (op === "not") return !matches(a as unknown[], row, zone);
  const value = fieldOf(a as string, row, row.session, zone);
  const values = b as string[];
  switch (op) {
    case "is":
      return values.includes(value);
    case "is_not":
      return !values.includes(value);
    case "contains":
      return values.some((v) => value.includes(v));
    case "contains_not":
      return !values.some((v) => value.includes(v));
    case "matches":
      return values.some((v) => new RegExp(v).test(value));
    case "matches_not":
      return !values.some((v) => new RegExp(v).test(value));
  }
  throw new Error(`operator ${op}`);
}

function bruteForce(data: Data, ask: Ask): Map<string, Record<string, number | null>> {
  const from = zoneStart(ask.zone, ask.from);
  const to = zoneStart(
    ask.zone,
    new Date(ms(`${ask.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10),
  );
  const kept = (score: unknown) =>
    ask.bots === "show" ||
    (ask.bots === "hide" ? Number(score) < ask.threshold : Number(score) >= ask.threshold);
  const skOf = (r: { session_id: unknown; visitor_id: unknown }) =>
    r.session_id !== null ? `s${r.session_id}` : r.visitor_id !== null ? `v${r.visitor_id}` : null;
  const window = data.views.filter((v) =>
    ask.sites.includes(String(v.site_id)) && v.visitor_id !== EXCLUDED &&
    ms(v.created_at) >= from - 86_400_000 && ms(v.created_at) < to + 86_400_000
  );
  const bySession = new Map<string, (ViewRow & { id: number })[]>();
  for (const v of window.filter((v) => kept(v.bot_score))) {
    const key = `${v.site_id}|${skOf(v)}`;
    bySession.set(key, [...(bySession.get(key) ?? []), v]);
  }
  const sessions = new Map<string, Session>();
  for (const [key, list] of bySession) {
    list.sort((x, y) => ms(x.created_at) - ms(y.created_at) || x.id - y.id);
    const entry = list[0], exit = list[list.length - 1];
    sessions.set(key, {
      entry,
      exit,
      n: list.length,
      durationMs: ms(exit.created_at) - ms(entry.created_at),
      inRange: ms(entry.created_at) >= from && ms(entry.created_at) < to,
    });
  }
  const inRange = (iso: unknown) => ms(iso) >= from && ms(iso) < to;
  const COUNTS = [
    "pageviews",
    "visits",
    "bounces",
    "session_views",
    "duration_ms",
    "events",
    "scroll_sum",
    "scroll_n",
    "engaged_ms",
    "engaged_n",
    "all_views",
    "bot_views",
  ] as const;
  type Group = Record<(typeof COUNTS)[number], number> & {
    _v: Set<string>;
    _s: Set<string>;
    _ev: Set<string>;
  };
  const groups = new Map<string, Group>();
  const group = (row: Row) => {
    const dims = ask.dimensions.map((k) => fieldOf(k, row, row.session, ask.zone));
    const key = JSON.stringify(dims);
    let g = groups.get(key);
    if (!g) {
      g = {
        ...Object.fromEntries(COUNTS.map((c) => [c, 0])),
        _v: new Set(),
        _s: new Set(),
        _ev: new Set(),
      } as Group;
      groups.set(key, g);
    }
    return g;
  };
  const matched = (row: Row) => ask.filters.every((f) => matches(f as unknown[], row, ask.zone));
  for (const v of window.filter((v) => inRange(v.created_at))) {
    const sk = `${v.site_id}|${skOf(v)}`;
    const row: Row = { view: v, session: sessions.get(sk), sk };
    if (!matched(row)) continue;
    const g = group(row);
    g.all_views++;
    if (Number(v.bot_score) >= ask.threshold) g.bot_views++;
    if (!kept(v.bot_score)) continue;
    g.pageviews++;
    // A visitor counts once per day of the zone (ids rotate daily; the days add up).
    g._v.add(`${localStamp(v.created_at, ask.zone).slice(0, 10)}|${v.site_id}|${v.visitor_id}`);
    const s = row.session!;
    if (s.inRange && !g._s.has(sk)) {
      g._s.add(sk);
      g.visits++;
      if (s.n === 1) g.bounces++;
      g.session_views += s.n;
      g.duration_ms += s.durationMs;
    }
  }
  for (const e of data.events) {
    if (!ask.sites.includes(String(e.site_id)) || !inRange(e.created_at)) continue;
    if (e.visitor_id === EXCLUDED || !kept(e.bot_score)) continue;
    const sk = skOf(e);
    const row: Row = {
      event: e,
      session: sk === null ? undefined : sessions.get(`${e.site_id}|${sk}`),
    };
    if (!matched(row)) continue;
    const g = group(row);
    g.events++;
    if (e.visitor_id !== null) {
      g._ev.add(`${localStamp(e.created_at, ask.zone).slice(0, 10)}|${e.site_id}|${e.visitor_id}`);
    }
    if (e.event_type === "pageview_end") {
      if (e.scroll_pct !== null) {
        [g.scroll_sum, g.scroll_n] = [g.scroll_sum + Number(e.scroll_pct), g.scroll_n + 1];
      }
      if (e.engaged_ms !== null) {
        [g.engaged_ms, g.engaged_n] = [g.engaged_ms + Number(e.engaged_ms), g.engaged_n + 1];
      }
    }
  }
  let totalVisitors = 0;
  for (const g of groups.values()) totalVisitors += g._v.size;
  if (ask.dimensions.length > 0) {
    // The share's denominator: the visitors of the filtered rows, whatever their group.
    const all = new Set<string>();
    for (const g of groups.values()) for (const v of g._v) all.add(v);
    totalVisitors = all.size;
  }
  const out = new Map<string, Record<string, number | null>>();
  const r1 = (n: number) => Math.round(n * 10) / 10;
  for (const [key, g] of groups) {
    out.set(key, {
      visitors: g._v.size,
      visits: g.visits,
      pageviews: g.pageviews,
      events: g.events,
      event_visitors: g._ev.size,
      bounce_rate: g.visits ? r1((g.bounces * 100) / g.visits) : 0,
      visit_duration: g.visits ? Math.round(g.duration_ms / 1000 / g.visits) : 0,
      views_per_visit: g.visits ? Math.round((g.session_views / g.visits) * 100) / 100 : 0,
      scroll_depth: g.scroll_n ? Math.round(g.scroll_sum / g.scroll_n) : null,
      time_on_page: g.engaged_n ? Math.round(g.engaged_ms / 1000 / g.engaged_n) : null,
      engagement_time: g.engaged_n ? Math.round(g.engaged_ms / g.engaged_n) : 0,
      percentage: totalVisitors ? r1((g._v.size * 100) / totalVisitors) : 0,
      bot_share: g.all_views ? r1((g.bot_views * 100) / g.all_views) : 0,
      // Which families saw the group (an engine row exists when one of the asked families has it).
      _views: g.pageviews > 0 || g.visits > 0 ? 1 : 0,
      _events: g.events > 0 ? 1 : 0,
      _bots: g.all_views > 0 ? 1 : 0,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The comparison

// Conversions are goals' (tests/goals_query_test.ts).
const ALL_METRICS = METRICS.map((m) => m.key).filter((m) => !CONVERSION_METRICS.has(m));

/** The resolved query of an ask (what runQuery and runAggregates take). */
function queryOf(t: TestApp, ask: Ask, metrics: string[]): Query {
  const body = QUERY_BODY.parse({
    site_id: ask.sites,
    metrics,
    date_range: [ask.from, ask.to],
    dimensions: ask.dimensions,
    filters: ask.filters,
    timezone: ask.zone,
    bots: ask.bots,
    bot_threshold: ask.threshold,
  });
  return resolveQuery(body, t.clock.now);
}

function engine(t: TestApp, ask: Ask, metrics: string[]) {
  return runQuery(readContext(t), queryOf(t, ask, metrics));
}

async function check(t: TestApp, data: Data, ask: Ask, label: string): Promise<number> {
  const metrics = ask.dimensions.length
    ? ALL_METRICS
    : ALL_METRICS.filter((m) => m !== "percentage");
  const got = await engine(t, ask, metrics);
  const want = bruteForce(data, ask);
  const seen = new Set<string>();
  for (const row of got.results) {
    const key = JSON.stringify(row.dimensions);
    seen.add(key);
    const expected = want.get(key);
    if (ask.dimensions.length === 0 && !expected) {
      // No row matched: one row of zeros, as Plausible answers an empty aggregate.
      assert.ok(row.metrics.every((v) => v === 0 || v === null), `${label}: ${row.metrics}`);
      continue;
    }
    assert.ok(expected, `${label}: the engine has ${key}, the rows do not`);
    const exp = metrics.map((m) => expected[m]);
    assert.deepEqual(row.metrics, exp, `${label} ${key}: ${metrics.join(",")}`);
  }
  for (const key of want.keys()) {
    assert.ok(seen.has(key), `${label}: the rows have ${key}, the engine does not`);
  }
  return got.results.length;
}

const ZONE = { zone: "Asia/Kolkata" };
const BASE: Ask = {
  sites: SITES,
  from: "2026-11-17",
  to: "2026-11-19",
  zone: "UTC",
  dimensions: [],
  filters: [],
  bots: "hide",
  threshold: 50,
};

const DIMENSION_KEYS = [
  ...DIMENSIONS.filter((d) => d.from.kind !== "goal").map((d) => d.key),
  "event:props:plan",
  "event:props:n",
];

/** Values to filter on: one the rows have (rendered), a substring of it, a pattern for it. */
function filterValue(
  data: Data,
  key: string,
  op: string,
  r: () => number,
  bots: Mode = "hide",
): string {
  const values = [...bruteForce(data, { ...BASE, bots, dimensions: [key] }).keys()]
    .map((k) => JSON.parse(k)[0] as string);
  const value = values[Math.floor(r() * values.length)] ?? "x";
  if (op.startsWith("contains")) return value.slice(1, 3) || value;
  if (op.startsWith("matches")) {
    return `^${value.slice(0, 2).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`;
  }
  return value;
}

Deno.test("query engine = brute force: every metric by every dimension, three seeds", async () => {
  for (const seed of [1, 2, 3]) {
    const t = await createTestApp();
    const data = generate(seed);
    insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
    insertEvents(t.services.db, data.events);
    t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
    let rows = await check(t, data, BASE, `seed ${seed} totals`);
    for (const key of DIMENSION_KEYS) {
      // Minutes: ranges of up to 2 days (resolveQuery refuses longer ones).
      const range = key === "time:minute" ? { to: "2026-11-18" } : {};
      rows += await check(
        t,
        data,
        { ...BASE, ...range, dimensions: [key] },
        `seed ${seed} by ${key}`,
      );
    }
    rows += await check(
      t,
      data,
      { ...BASE, dimensions: ["visit:country", "event:page"] },
      "two dims",
    );
    assert.ok(rows > 100, `the comparisons covered ${rows} rows`);
  }
});

Deno.test("query engine = brute force: every filter operator on every dimension, and/or/not", async () => {
  const t = await createTestApp();
  const data = generate(7);
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  const r = rng(99);
  const filterable = DIMENSION_KEYS.filter((k) => !k.startsWith("time:"));
  let narrowed = 0;
  for (const key of filterable) {
    for (const op of FILTER_OPERATORS) {
      const filter = [op, key, [filterValue(data, key, op, r)]];
      const dims = [filterable[Math.floor(r() * filterable.length)]];
      await check(
        t,
        data,
        { ...BASE, filters: [filter], dimensions: dims },
        `${op} ${key} by ${dims}`,
      );
      narrowed++;
    }
  }
  const is = (key: string) => ["is", key, [filterValue(data, key, "is", r)]];
  const combos = [
    ["or", [is("visit:country"), is("event:page")]],
    ["and", [is("visit:device"), ["not", is("visit:entry_page")]]],
    ["not", ["or", [is("event:name"), ["contains", "event:page", ["blog"]]]]],
  ];
  for (const combo of combos) {
    await check(
      t,
      data,
      { ...BASE, filters: [combo], dimensions: ["visit:source"] },
      JSON.stringify(combo),
    );
  }
  assert.equal(narrowed, filterable.length * FILTER_OPERATORS.length);
});

Deno.test("query engine = brute force: bot settings, thresholds, a +05:30 zone, time buckets", async () => {
  const t = await createTestApp();
  const data = generate(11);
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  for (const bots of ["hide", "show", "only"] as const) {
    for (const threshold of [40, 50, 90]) {
      await check(
        t,
        data,
        { ...BASE, bots, threshold, dimensions: ["visit:entry_page"] },
        `${bots} ${threshold}`,
      );
    }
  }
  for (const unit of ["minute", "hour", "day", "week", "month"]) {
    const range = unit === "minute" ? { from: "2026-11-18", to: "2026-11-19" } : {};
    await check(
      t,
      data,
      { ...BASE, ...ZONE, ...range, dimensions: [`time:${unit}`] },
      `${ZONE.zone} ${unit}`,
    );
    await check(t, data, {
      ...BASE,
      ...ZONE,
      ...range,
      sites: ["beta"],
      dimensions: [`time:${unit}`, "visit:country"],
      filters: [["is_not", "visit:device", ["mobile"]]],
    }, `${ZONE.zone} ${unit} beta`);
  }
});

Deno.test("query engine = brute force: the bot report's dimensions with bots shown, filtered", async () => {
  const t = await createTestApp();
  const data = generate(13);
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  const botKeys = DIMENSION_KEYS.filter((k) => k.startsWith("bot:"));
  assert.deepEqual(botKeys, ["bot:score_bucket", "bot:reason", "bot:pow_verdict"]);
  const r = rng(5);
  let rows = 0;
  for (const bots of ["show", "only"] as const) {
    for (const key of botKeys) {
      rows += await check(t, data, { ...BASE, bots, dimensions: [key] }, `${bots} by ${key}`);
      rows += await check(
        t,
        data,
        { ...BASE, bots, dimensions: [key, "event:name"] },
        `${bots} by ${key}, event:name`,
      );
      for (const op of FILTER_OPERATORS) {
        const value = filterValue(data, key, op, r, bots);
        const filter = [op, key, [value]];
        await check(
          t,
          data,
          { ...BASE, bots, filters: [filter], dimensions: ["visit:country"] },
          `${bots} ${op} ${key} ${value}`,
        );
      }
    }
  }
  // Every band and reason shows up: the comparisons are not over one value.
  const bands = await check(
    t,
    data,
    { ...BASE, bots: "show", dimensions: ["bot:score_bucket"] },
    "bands",
  );
  assert.equal(bands, 4);
  assert.ok(rows > 30, `the comparisons covered ${rows} rows`);
});

Deno.test("query engine = brute force: views written in batches out of order, sessions spanning batches", async () => {
  const t = await createTestApp();
  const generated = generate(13);
  // Four batches, each every fourth view in reverse, written 3, 1, 0, 2: a session of two views
  // or more has them in different batches, its exit often written before its entry.
  const batches = [3, 1, 0, 2].map((k) => generated.views.filter((_, i) => i % 4 === k).reverse());
  const written = batches.flat().map((v, i) => ({ ...v, id: i + 1 }));
  const data: Data = { views: written, events: generated.events };
  for (const batch of batches) insertViews(t.services.db, batch.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  const reversed = t.services.db.get<{ n: number }>(
    "SELECT COUNT(*) AS n FROM sessions WHERE first_id > last_id",
  )!.n;
  assert.ok(reversed > 5, `${reversed} sessions with their entry written after their exit`);
  let rows = await check(t, data, BASE, "batches totals");
  for (const key of ["visit:entry_page", "visit:exit_page", "visit:source", "visit:country"]) {
    rows += await check(t, data, { ...BASE, dimensions: [key] }, `batches by ${key}`);
    rows += await check(
      t,
      data,
      { ...BASE, bots: "only", dimensions: [key] },
      `batches bots by ${key}`,
    );
    rows += await check(
      t,
      data,
      { ...BASE, bots: "show", dimensions: [key] },
      `batches all by ${key}`,
    );
  }
  rows += await check(t, data, {
    ...BASE,
    filters: [["is", "event:page", ["/pricing"]]],
    dimensions: ["visit:entry_page"],
  }, "batches filtered");
  assert.ok(rows > 30, `the comparisons covered ${rows} rows`);
});

/** `data` with visitor ids rotated during sessions, as the tracker's rotate daily: a session's
 * views and events more than 20 minutes after its first view have another visitor id (not the
 * excluded one's), so a session has two visitors, and a visitor-day views of others' sessions. */
function rotated(data: Data): Data {
  const first = new Map<string, number>();
  for (const v of data.views) {
    const key = `${v.site_id}|${v.session_id}`;
    if (v.session_id !== null && !(first.get(key)! <= ms(v.created_at))) {
      first.set(key, ms(v.created_at));
    }
  }
  const rotate = <T extends { site_id: unknown; session_id: unknown; visitor_id: unknown }>(
    row: T & { created_at: unknown },
  ): T => {
    const start = first.get(`${row.site_id}|${row.session_id}`);
    const later = start !== undefined && ms(row.created_at) > start + 20 * 60_000;
    return later && row.visitor_id !== EXCLUDED && row.visitor_id !== null
      ? { ...row, visitor_id: `${row.visitor_id}-next` }
      : row;
  };
  return { views: data.views.map(rotate), events: data.events.map(rotate) };
}

/**
 * The per-day aggregates against brute force for `seed`, the sites in `zone` (their aggregates
 * kept in its local days), the data and dates moved by `shift` days; with `nextZone`, the sites then
 * move to that zone: right at once (raw rows while re-keyed days wait), and from the aggregates
 * again after the rebuild.
 */
async function aggregatesAgainstRows(seed: number, zone = "UTC", shift = 0, nextZone?: string) {
  {
    const t = await createTestApp();
    const db = t.services.db;
    const moved = (iso: string) => new Date(ms(iso) + shift * 86_400_000).toISOString();
    const d = (date: string) => moved(`${date}T00:00:00.000Z`).slice(0, 10);
    const setZone = (z: string) =>
      SITES.forEach((site) => {
        createSite(db, site, null);
        saveSiteSettings(db, site, {
          consent_css: "",
          send_form_values: false,
          query_allowlist: [],
          time_zone: z,
        });
      });
    setZone(zone);
    const raw = rotated(generate(seed, true));
    const generated: Data = {
      views: raw.views.map((v) => ({ ...v, created_at: moved(String(v.created_at)) })),
      events: raw.events.map((e) => ({ ...e, created_at: moved(String(e.created_at)) })),
    };
    const next = generated.views.filter((v) => String(v.visitor_id).endsWith("-next")).length;
    assert.ok(next > 5, `${next} views of sessions another visitor id`);
    // Six batches, each every sixth view in reverse, written out of order; an exclusion and a
    // rebuild of the days it dirtied between the fourth and the fifth, so days hold rebuilt rows
    // and rows added by later batches.
    const order = [5, 1, 3, 0, 4, 2];
    const batches = order.map((k) => generated.views.filter((_, i) => i % 6 === k).reverse());
    const written = batches.flat().map((v, i) => ({ ...v, id: i + 1 }));
    // An event two days after its session's first view (on the last day, outside BASE's range):
    // what the compiler joins to it depends on the range.
    const late = generated.events.find((e) =>
      e.session_id !== null && e.visitor_id !== EXCLUDED &&
      generated.views.some((v) => v.session_id === e.session_id && Number(v.bot_score) < 50) &&
      generated.views.every((v) =>
        v.session_id !== e.session_id || String(v.created_at) < d("2026-11-19")
      )
    )!;
    const far = {
      ...late,
      // Midday UTC: on the same local day in every zone tested.
      created_at: moved("2026-11-20T12:00:00.000Z"),
      bot_score: 0,
      data: '{"plan":"far"}',
    };
    assert.ok(ms(far.created_at) - ms(late.created_at) > 1.5 * 86_400_000);
    const allEvents = [...generated.events, far];
    const data: Data = { views: written, events: allEvents };
    // Events in three parts: before any view (their sessions do not exist yet: the view batches
    // moving a session's entry move its events), between the batches, after them.
    const eventParts = [0, 1, 2].map((k) => allEvents.filter((_, i) => i % 3 === k));
    insertEvents(db, eventParts[0]);
    batches.slice(0, 2).forEach((b) => insertViews(db, b.map(({ id: _, ...v }) => v)));
    insertEvents(db, eventParts[1]);
    batches.slice(2, 4).forEach((b) => insertViews(db, b.map(({ id: _, ...v }) => v)));
    assert.ok(batches.slice(0, 4).flat().some((v) => v.visitor_id === EXCLUDED));
    db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
    const dirty = db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n;
    assert.ok(dirty > 0, "the exclusion marks its days");
    assert.ok(rebuildDirtyAggregates(db) >= dirty);
    batches.slice(4).forEach((b) => insertViews(db, b.map(({ id: _, ...v }) => v)));
    insertEvents(db, eventParts[2]);
    // Sessions whose exit view came in a later batch than another of their views (their exit
    // page moved), and events written before their session's first view.
    const batchOf = new Map(written.map((v) => [v.id, Math.floor((v.id - 1) / batches[0].length)]));
    const bySession = Map.groupBy(written, (v) => `${v.site_id}|${v.session_id ?? v.visitor_id}`);
    const movedExits = [...bySession.values()].filter((list) => {
      const exit = list.reduce((a, b) => (ms(b.created_at) >= ms(a.created_at) ? b : a));
      return list.some((v) => batchOf.get(v.id)! < batchOf.get(exit.id)!);
    }).length;
    assert.ok(movedExits > 5, `${movedExits} sessions whose exit page moved in a later batch`);
    const early =
      eventParts[0].filter((e) =>
        e.session_id !== null && written.some((v) => v.session_id === e.session_id)
      ).length;
    assert.ok(early > 5, `${early} events written before their session's views`);
    const asks: [string, Ask][] = [];
    const base: Ask = { ...BASE, zone, from: d(BASE.from), to: d(BASE.to) };
    const add = (label: string, ask: Partial<Ask>) => asks.push([label, { ...base, ...ask }]);
    const EVENT_KEYS = ["event:page", "event:name", ...EVENT_SESSION_DIMENSIONS.map((d) => d.key)];
    /** The asks only the events family is answered for from the aggregates. */
    const events: string[] = [];
    const r = rng(seed);
    for (const bots of ["hide", "only"] as const) {
      add(`${bots} totals`, { bots });
      add(`${bots} one day`, { bots, from: d("2026-11-18"), to: d("2026-11-18") });
      // A view's own fields, and its session's (entry page, exit page, source).
      for (const { key } of [...AGGREGATE_DIMENSIONS, ...SESSION_AGGREGATE_DIMENSIONS]) {
        const value = filterValue(data, key, "is", r, bots);
        add(`${bots} by ${key}`, { bots, dimensions: [key] });
        add(`${bots} ${key} is ${value}`, { bots, filters: [["is", key, [value]]] });
        add(`${bots} by ${key}, is ${value}`, {
          bots,
          dimensions: [key],
          filters: [["is", key, [value]]],
        });
      }
      // The overview's referrer list (views whose referrer is not internal): its own rows.
      add(`${bots} referrer list`, {
        bots,
        dimensions: ["visit:referrer_domain"],
        filters: [["is_not", "visit:referrer_type", ["internal"]]],
      });
      // By day (the trend): views, bots and events from the aggregates, sessions unfiltered too.
      add(`${bots} by day`, { bots, dimensions: ["time:day"] });
      for (const key of ["event:page", "visit:country", "visit:source", "visit:entry_page"]) {
        const value = filterValue(data, key, "is", r, bots);
        add(`${bots} by day, ${key} is ${value}`, {
          bots,
          dimensions: ["time:day"],
          filters: [["is", key, [value]]],
        });
      }
      add(`${bots} by day, property`, {
        bots,
        dimensions: ["time:day"],
        filters: [["is", "event:props:plan", ["pro"]]],
      });
      add(`${bots} property`, { bots, filters: [["is", "event:props:plan", ["pro"]]] });
      add(`${bots} not property`, { bots, filters: [["is_not", "event:props:plan", ["pro"]]] });
      add(`${bots} property, page`, {
        bots,
        dimensions: ["event:page"],
        filters: [["and", [["is_not", "event:props:n", ["7"]], ["is", "event:page", ["/docs"]]]]],
      });
      add(`${bots} name`, { bots, filters: [["is", "event:name", ["pageview"]]] });
      // Events by a custom property, by their own fields and by their session's.
      for (const [key, value] of [["event:props:plan", "pro"], ["event:props:n", "3"]]) {
        events.push(`${bots} events ${key} is ${value}`);
        add(`${bots} events ${key} is ${value}`, { bots, filters: [["is", key, [value]]] });
      }
      for (const key of EVENT_KEYS) {
        const value = filterValue(data, key, "is", r, bots);
        events.push(`${bots} events by ${key}`, `${bots} events ${key} is ${value}`);
        add(`${bots} events by ${key}`, { bots, dimensions: [key] });
        add(`${bots} events ${key} is ${value}`, { bots, filters: [["is", key, [value]]] });
      }
    }
    const answered = (ask: Ask, family: "views" | "events" | "sessions" = "views") => {
      // The request as the runner builds it (lib/query/run.ts): the zone's local days.
      const fromMs = zoneStart(ask.zone, ask.from);
      const toMs = zoneStart(ask.zone, addLocalDays(ask.to, 1));
      const q = resolveQuery(
        QUERY_BODY.parse({
          site_id: ask.sites,
          metrics: ["visitors"],
          date_range: [ask.from, ask.to],
          dimensions: ask.dimensions,
          filters: ask.filters,
          bots: ask.bots,
        }),
        t.clock.now,
      );
      return servedByAggregates(db, {
        siteIds: q.siteIds,
        fromMs,
        toMs,
        spans: offsetSpans(ask.zone, fromMs - 86_400_000, toMs + 86_400_000),
        dimensions: ask.dimensions,
        filter: q.filter,
        bots: q.bots,
      }, family);
    };
    // By day: the events family too, the sessions family unfiltered only.
    for (const [label, ask] of asks.filter(([l]) => l.includes("by day"))) {
      if (!label.includes("property")) {
        assert.ok(answered(ask, "events"), `${label}: events answered by the aggregates`);
      }
      // Sessions by day: from the aggregates unfiltered (a session on each day it has a view),
      // from the rows under a filter.
      const unfiltered = !label.includes(" is ");
      assert.equal(answered(ask, "sessions"), unfiltered, `${label}: sessions`);
    }
    let served = 0;
    let rows = 0;
    for (const [label, ask] of asks) {
      const family = events.includes(label) ? "events" : "views";
      assert.ok(answered(ask, family), `${label}: ${family} answered by the aggregates`);
      served++;
      rows += await check(t, data, ask, `seed ${seed} aggregates ${label}`);
    }
    assert.equal(served, asks.length);
    assert.ok(rows > 100, `the comparisons covered ${rows} rows`);
    // A range with the far event: by a session field its events fall back (and are right), by
    // its own fields they do not.
    const farRange = { from: d("2026-11-19"), to: d("2026-11-20") };
    const byCountry: Ask = { ...base, ...farRange, dimensions: ["visit:country"] };
    assert.ok(!answered(byCountry, "events"), "events by country with a far event: raw rows");
    await check(t, data, byCountry, `seed ${seed} far event by country`);
    const byPage: Ask = { ...base, ...farRange, dimensions: ["event:page"] };
    assert.ok(answered(byPage, "events"), "events by page with a far event: aggregates");
    await check(t, data, byPage, `seed ${seed} far event by page`);
    // A retention purge cutting the first day at noon: the days it touched are rebuilt with the
    // sessions table (sessions it cut start later now), and answer again.
    const cut = moved("2026-11-17T12:00:00.000Z");
    while (purgeViewsBatch(db, { cleanBefore: cut, botBefore: cut }, 7) > 0) { /* batches */ }
    const kept: Data = { ...data, views: written.filter((v) => String(v.created_at) >= cut) };
    assert.ok(kept.views.length < written.length);
    assert.equal(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n, 0);
    for (const [label, ask] of asks.filter(([l]) => !l.includes("one day"))) {
      const family = events.includes(label) ? "events" : "views";
      assert.ok(answered(ask, family), `after the purge ${label}: answered by the aggregates`);
      await check(t, kept, ask, `seed ${seed} after the purge ${label}`);
    }
    // A session of the batches whose entry was written after its exit: the deltas were exercised.
    const reversed = db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sessions WHERE first_id > last_id",
    )!.n;
    assert.ok(reversed > 5, `${reversed} sessions with their entry written after their exit`);
    if (!nextZone) return;
    // The sites move to another zone: their aggregates are re-keyed (every day dirty), the rows
    // answer meanwhile, right; after the rebuild the aggregates answer again, right.
    setZone(nextZone);
    assert.ok(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n > 0);
    const moves = asks.filter(([l]) => !l.includes("one day"))
      .map(([label, ask]): [string, Ask] => [label, { ...ask, zone: nextZone }]);
    for (const [label, ask] of moves) {
      assert.ok(!answered(ask), `moved to ${nextZone}, ${label}: from the rows while dirty`);
      await check(t, kept, ask, `seed ${seed} moved to ${nextZone}, dirty, ${label}`);
    }
    assert.ok(rebuildDirtyAggregates(db) > 0);
    for (const [label, ask] of moves) {
      const family = events.includes(label) ? "events" : "views";
      assert.ok(
        answered(ask, family),
        `moved to ${nextZone}, ${label}: answered by the aggregates`,
      );
      await check(t, kept, ask, `seed ${seed} moved to ${nextZone}, rebuilt, ${label}`);
    }
  }
}

Deno.test("per-day aggregates = brute force: every combination they answer, batches out of order, rebuilt days next to fresh rows", async () => {
  for (const seed of [21, 22]) await aggregatesAgainstRows(seed);
});

Deno.test("per-day aggregates in local days = brute force: Berlin across its DST change, Kathmandu (+05:45), St. John's (−03:30), a zone change re-keys them", async () => {
  // 2026-10-25: Berlin's clocks go back (a 25-hour day) inside the range.
  await aggregatesAgainstRows(23, "Europe/Berlin", -23);
  await aggregatesAgainstRows(24, "Asia/Kathmandu", 0, "America/St_Johns");
});

/** Rows in a fixed order (the runner does not order aggregates). */
const sorted = (rows: { dimensions: string[] }[]) =>
  [...rows].sort((a, b) => JSON.stringify(a.dimensions) < JSON.stringify(b.dimensions) ? -1 : 1);

/** A test app holding generate(seed)'s rows, a visitor excluded, the aggregates rebuilt. */
async function seededApp(seed: number, data = generate(seed)): Promise<TestApp> {
  const t = await createTestApp();
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  rebuildDirtyAggregates(t.services.db);
  return t;
}

Deno.test("batched queries = the same queries one by one: random filters, dimensions, metrics, bots, zones", async () => {
  const data = generate(17);
  const t = await seededApp(17, data);
  const r = rng(31);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const filterable = DIMENSION_KEYS.filter((k) => !k.startsWith("time:"));
  const condition = () => {
    const key = pick(filterable);
    const op = pick(FILTER_OPERATORS);
    return [op, key, [filterValue(data, key, op, r)]];
  };
  const filter = (): unknown[] => {
    const roll = r();
    if (roll < 0.2) return [];
    if (roll < 0.6) return [condition()];
    if (roll < 0.75) return [["not", condition()]];
    return [[pick(["and", "or"]), [condition(), condition()]]];
  };
  const SETS = [
    ["pageviews"],
    ["visits", "bounce_rate"],
    ["events"],
    ALL_METRICS.filter((m) => m !== "percentage"),
    ["event_visitors", "pageviews"],
  ];
  let rows = 0;
  for (let round = 0; round < 30; round++) {
    const shared: Ask = {
      ...BASE,
      ...(round % 3 === 2 ? ZONE : {}),
      sites: round % 4 === 3 ? ["beta"] : SITES,
      bots: pick(["hide", "hide", "show", "only"] as const),
      threshold: pick([50, 50, 40]),
    };
    const common = filter();
    const queries = Array.from({ length: 3 + Math.floor(r() * 6) }, () => {
      // (time:minute needs a range of up to 2 days; the ranges here are longer)
      const dims = Array.from(
        { length: Math.floor(r() * 3) },
        () => pick(DIMENSION_KEYS.filter((k) => k !== "time:minute")),
      );
      // Several members share a filter (the overview's), some add one of their own.
      const filters = r() < 0.5 ? common : r() < 0.5 ? filter() : [...common, ...filter()];
      return queryOf(t, { ...shared, dimensions: [...new Set(dims)], filters }, pick(SETS));
    });
    const ctx = readContext(t);
    const batched = await runAggregatesBatch(ctx, queries);
    for (const [i, q] of queries.entries()) {
      const alone = await runAggregates(ctx, q);
      rows += alone.length;
      assert.deepEqual(
        sorted(batched[i]),
        sorted(alone),
        `round ${round} member ${i}: ${JSON.stringify([q.dimensions, q.filter, q.metrics])}`,
      );
    }
  }
  assert.ok(rows > 200, `the comparisons covered ${rows} rows`);
  // Queries over different ranges are not one batch.
  const a = queryOf(t, BASE, ["pageviews"]);
  const b = queryOf(t, { ...BASE, to: "2026-11-20" }, ["pageviews"]);
  await assert.rejects(() => runAggregatesBatch(readContext(t), [a, b]));
});

Deno.test("the admin dashboard's batch with sessions from the table = with sessions built from the rows: page, country, device and contains filters, bots hidden and alone, ranges cutting sessions", async () => {
  // A filter on the views' own columns keeps the views first, and each looks its session up on
  // the sessions table (or, crossing the window's edges, among those built from their views):
  // lib/db/query/compile.ts joinedSessions. `sessions: "raw"` builds every session from the rows.
  const t = await seededApp(19);
  const db = t.services.db;
  const filters: Filter[] = [
    { op: "is", dimension: "event:page", values: ["/pricing"] },
    { op: "is", dimension: "visit:country", values: ["DE"] },
    { op: "is", dimension: "visit:device", values: ["mobile"] },
    { op: "contains", dimension: "event:page", values: ["/blog"] },
  ];
  const ranges = [["2026-11-17", "2026-11-18"], ["2026-11-19", "2026-11-19"], [
    "2026-11-16",
    "2026-11-21",
  ]];
  let rows = 0;
  for (const [from, to] of ranges) {
    const fromMs = Date.parse(from), toMs = Date.parse(addLocalDays(to, 1));
    for (const filter of filters) {
      for (const mode of ["hide", "only"] as const) {
        const bots = { mode, threshold: 50 };
        const members = dashboardQueries(SITES[0], { from, to }, filter, bots).map((q) => ({
          dimensions: q.dimensions,
          filter: q.filter,
          families: [
            ...new Set(q.metrics.flatMap((m) => metricFor(m)!.inputs.map((a) => AGGREGATES[a]))),
          ],
        }));
        const shared = {
          siteIds: [SITES[0]],
          fromMs,
          toMs,
          spans: offsetSpans("UTC", fromMs - 86_400_000, toMs + 86_400_000),
          dimensions: [],
          filter: null,
          bots,
          aggregates: false,
        };
        const table = queryBatch(db, shared, members);
        const raw = queryBatch(db, { ...shared, sessions: "raw" }, members);
        members.forEach((m, i) => {
          for (const family of m.families) {
            rows += raw[i].get(family)!.length;
            assert.deepEqual(
              sorted(table[i].get(family)!),
              sorted(raw[i].get(family)!),
              `${from}..${to} ${mode} ${JSON.stringify(filter)} member ${i} ${family}`,
            );
          }
        });
      }
    }
  }
  assert.ok(rows > 300, `the comparisons covered ${rows} rows`);
});
