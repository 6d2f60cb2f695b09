// The overview computed by the query engine (lib/stats/engine_overview.ts) against the rollup and
// raw-row overview (lib/stats/overview.ts statsOverview) on the same generated rows: one site,
// seven UTC days, visitors with several multi-view sessions (some crossing midnight), bots, an
// excluded visitor, events of every kind, UTM tags, referrers and countries. Unfiltered and under
// each of the overview's own filters, every field must be the same.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { BOT_SCORE_THRESHOLD } from "../lib/db/columns.ts";
import type { StatsFilters } from "../lib/db/stats_source.ts";
import {
  engineOverview,
  LEGACY_HEADLINE,
  type OverviewView,
} from "../lib/stats/engine_overview.ts";
import { refreshRollups, statsOverview } from "../lib/stats/mod.ts";
import type { OverviewQuery } from "../lib/stats/params.ts";
import type { TrendPoint } from "../lib/stats/overview.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { rng } from "./_random.ts";
import { event, SITE, view } from "./_stats_fixture.ts";

const START = Date.parse("2026-11-14T00:00:00.000Z");
const DAYS = 7;
const EXCLUDED = "v3-11-17";

function generate(seed: number): { views: ViewRow[]; events: EventRow[] } {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const views: ViewRow[] = [];
  const events: EventRow[] = [];
  const stamp = (ms: number) => new Date(ms).toISOString();
  for (let v = 0; v < 40; v++) {
    const visitor = `v${v}`;
    const attrs = {
      country_code: pick(["DE", "FI", "US", null]),
      device_type: pick(["desktop", "mobile", "tablet", null]),
      os_name: pick(["Windows", "iOS", "Linux", null]),
      browser_name: pick(["Chrome", "Firefox", null]),
      screen_width: pick([0, 400, 700, 1000, 1300, 2000]),
      screen_height: pick([0, 800]),
    };
    const bot = r() < 0.15;
    for (let s = 0; s < 1 + Math.floor(r() * 3); s++) {
      const sid = r() < 0.85 ? `${visitor}-s${s}` : null;
      let at = START + Math.floor(r() * DAYS * 86_400_000);
      const pages = 1 + Math.floor(r() * 4);
      for (let p = 0; p < pages && at < START + DAYS * 86_400_000; p++) {
        const first = p === 0;
        const external = pick(["google.com", "t.co", null]);
        const path = pick(["/", "/pricing", "/blog/a", "/blog/b", "/docs"]);
        // Visitor ids rotate daily (a session crossing midnight keeps its session id).
        const daily = `${visitor}-${new Date(at).toISOString().slice(5, 10)}`;
        views.push(view({
          visitor_id: daily,
          session_id: sid,
          path,
          ...attrs,
          referrer: first ? (external ? `https://${external}/x` : null) : "https://shop.example/",
          referrer_domain: first ? external : "shop.example",
          referrer_type: first ? (external ? "search" : null) : "internal",
          utm_source: first ? pick([null, "news", "ads"]) : null,
          utm_medium: first ? pick([null, "email"]) : null,
          utm_campaign: first ? pick([null, "launch", "fall"]) : null,
          bot_score: bot ? pick([50, 80]) : pick([0, 0, 10, 30]),
          bot_reason: bot ? pick(["datacenter", "no_interaction"]) : null,
          pow_verdict: pick(["valid", "valid", "invalid", null]),
          interaction_ms: pick([null, 800, 2000]),
          created_at: stamp(at),
        }));
        if (r() < 0.7) {
          const type = pick(["pageview_end", "pageview_end", "custom", "outbound", "download"]);
          events.push(event({
            visitor_id: daily,
            session_id: sid,
            path,
            event_type: type,
            event_name: type === "custom" ? pick(["signup", "purchase"]) : null,
            data: type === "outbound"
              ? '{"url":"https://partner.example/"}'
              : type === "download"
              ? '{"file":"/a.pdf"}'
              : "{}",
            engaged_ms: type === "pageview_end" ? pick([1500, 12_000]) : null,
            scroll_pct: type === "pageview_end" ? pick([25, 80, 100]) : null,
            bot_score: bot ? 70 : pick([0, 0, 20]),
            created_at: stamp(at + 1000),
          }));
        }
        at += pick([30_000, 600_000, 5_400_000]);
      }
    }
  }
  // A visit crossing midnight: one session (its tab's id), a new daily visitor id after midnight.
  for (
    const [visitor, at, path] of [["x-11-17", "2026-11-17T23:50:00.000Z", "/"], [
      "x-11-18",
      "2026-11-18T00:10:00.000Z",
      "/docs",
    ]]
  ) {
    views.push(view({ visitor_id: visitor, session_id: "x-s", path, created_at: at }));
  }
  // A batch-API event: no visitor, no session.
  events.push(event({
    event_type: "custom",
    event_name: "api_sync",
    created_at: stamp(START + 86_400_000),
    source: "ingest",
  }));
  return { views, events };
}

const DATA = generate(16);

async function app(): Promise<TestApp> {
  const t = await createTestApp();
  const data = DATA;
  insertViews(t.services.db, data.views);
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  await refreshRollups(t.services);
  return t;
}

const HIDE: OverviewView = { filter: null, bots: { mode: "hide", threshold: BOT_SCORE_THRESHOLD } };

function query(filters: StatsFilters, compare = false): OverviewQuery {
  return { siteId: SITE, from: "2026-11-15", to: "2026-11-20", filters, compare, limit: null };
}

const sk = (r: { session_id: unknown; visitor_id: unknown }) =>
  r.session_id !== null ? `s${r.session_id}` : r.visitor_id !== null ? `v${r.visitor_id}` : "";
const kept = (r: { bot_score: unknown; visitor_id: unknown }) =>
  Number(r.bot_score) < BOT_SCORE_THRESHOLD && r.visitor_id !== EXCLUDED;
const byTime = [...DATA.views].sort((a, b) => a.created_at! < b.created_at! ? -1 : 1);
/** Each session's kept views, first first. */
const SESSIONS = new Map<string, ViewRow[]>();
for (const v of byTime.filter(kept)) SESSIONS.set(sk(v), [...SESSIONS.get(sk(v)) ?? [], v]);

/** Whether a view or an event matches the overview's filters as the engine reads them: its own
 * page; for a view its own attributes, for an event those of its session's first view. */
function matcher(filters: StatsFilters) {
  return (row: ViewRow | EventRow, attrs: Partial<ViewRow> | undefined) => {
    const of = (column: keyof ViewRow, empty: string) => String(attrs?.[column] ?? empty);
    return Object.entries(filters).every(([name, value]) => {
      switch (name) {
        case "path":
          return row.path === value;
        case "path_contains":
          return String(row.path).includes(value);
        case "referrer":
          return of("referrer_domain", "direct") === value;
        case "country":
          return of("country_code", "unknown") === value;
        case "device":
          return of("device_type", "unknown") === value;
        default:
          return of(name as keyof ViewRow, "(none)") === value;
      }
    });
  };
}

/**
 * The engine's definitions where they differ from the rollup and raw-row overview's, counted here
 * from the rows. Under a filter, the events that match themselves (the raw-row overview: the
 * events of visitors with a matching view). In the daily trend, a session counts on each day it
 * has a matching view (the rollups: on the day of its first view only) — so a visit crossing
 * midnight is in both days' `sessions`.
 */
function engineFigures(filters: StatsFilters, q: OverviewQuery) {
  const matches = matcher(filters);
  const inRange = (at: unknown) => String(at).slice(0, 10) >= q.from && String(at) < `${q.to}z`;
  const days = new Map<string, number>();
  let engaged = 0, engagedN = 0, scroll = 0, scrollN = 0;
  for (const e of DATA.events) {
    if (!inRange(e.created_at) || !kept(e) || !matches(e, SESSIONS.get(sk(e))?.[0])) continue;
    const day = String(e.created_at).slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
    if (e.event_type !== "pageview_end") continue;
    if (e.engaged_ms !== null) [engaged, engagedN] = [engaged + Number(e.engaged_ms), engagedN + 1];
    if (e.scroll_pct !== null) [scroll, scrollN] = [scroll + Number(e.scroll_pct), scrollN + 1];
  }
  const active = new Map<string, Set<string>>();
  for (const v of byTime) {
    const session = SESSIONS.get(sk(v));
    if (!kept(v) || !inRange(v.created_at) || !matches(v, v)) continue;
    if (!inRange(session![0].created_at)) continue;
    const day = String(v.created_at).slice(0, 10);
    active.set(day, (active.get(day) ?? new Set()).add(sk(v)));
  }
  const sessionsOn = (day: string) => [...active.get(day) ?? []];
  return {
    events: [...days.values()].reduce((a, b) => a + b, 0),
    avg_engagement_ms: engagedN ? Math.round(engaged / engagedN) : 0,
    avg_scroll_pct: scrollN ? Math.round((scroll / scrollN) * 10) / 10 : 0,
    trend: (point: TrendPoint) => ({
      ...point,
      events: days.get(point.date) ?? 0,
      sessions: sessionsOn(point.date).length,
      bounces: sessionsOn(point.date).filter((k) => SESSIONS.get(k)!.length === 1).length,
    }),
  };
}

const EVENT_FIGURES = ["events", "avg_engagement_ms", "avg_scroll_pct"] as const;

/** Every field but `source` (which says where the figures came from), one by one; under a
 * filter, the event figures as the engine defines them (above). */
async function assertSameOverview(t: TestApp, q: OverviewQuery) {
  const expected = await statsOverview(readContext(t), q);
  const actual = await engineOverview(readContext(t), q, HIDE);
  assert.equal(actual.source.kind, "engine");
  assert.deepEqual(Object.keys(actual), Object.keys(expected), "the same fields, in order");
  const engine = engineFigures(q.filters, q);
  if (Object.keys(q.filters).length > 0) {
    for (const key of EVENT_FIGURES) expected[key] = engine[key];
    assert.ok(actual.events > 0, "the filter keeps events");
  }
  expected.daily_trend = expected.daily_trend.map(engine.trend);
  for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
    if (key === "source") continue;
    assert.deepEqual(actual[key], expected[key], `${JSON.stringify(q.filters)}: ${key}`);
  }
}

Deno.test("engine overview: unfiltered, every field as the rollups say (and compared)", async () => {
  const t = await app();
  const q = query({}, true);
  assert.ok((await statsOverview(readContext(t), q)).pageviews > 50, "the data has views to count");
  await assertSameOverview(t, q);
  // The visit crossing into the 18th: the rollups count it on the 17th, the engine on both days.
  const day = (o: { daily_trend: TrendPoint[] }) =>
    o.daily_trend.find((p) => p.date === "2026-11-18")!.sessions;
  assert.equal(
    day(await engineOverview(readContext(t), q, HIDE)),
    day(await statsOverview(readContext(t), q)) + 1,
  );
});

const FILTERS: StatsFilters[] = [
  { path: "/pricing" },
  { path_contains: "/blog/" },
  { referrer: "google.com" },
  { referrer: "direct" },
  { country: "DE" },
  { country: "unknown" },
  { device: "mobile" },
  { utm_source: "news" },
  { utm_medium: "email" },
  { utm_campaign: "launch" },
];

for (const filters of FILTERS) {
  Deno.test(`engine overview: filtered by ${JSON.stringify(filters)}`, async () => {
    const t = await app();
    await assertSameOverview(t, query(filters));
  });
}

Deno.test("engine overview: filtered and compared, the previous period's raw-row figures", async () => {
  const t = await app();
  for (const filters of [{ country: "DE" }, { path: "/pricing" }] as StatsFilters[]) {
    const q = { ...query(filters, true), from: "2026-11-18", to: "2026-11-20" };
    const expected = (await statsOverview(readContext(t), q)).previous!;
    const actual = (await engineOverview(readContext(t), q, HIDE)).previous!;
    assert.ok(expected.pageviews > 0, "the previous period has matching views");
    for (const key of LEGACY_HEADLINE) {
      assert.equal(actual[key], expected[key], `${JSON.stringify(filters)}: previous ${key}`);
    }
    assert.equal(actual.pageviews, expected.pageviews);
  }
});
