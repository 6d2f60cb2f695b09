// Query engine benchmark (issue 16's budgets): each budget row through queryAggregates at 1M
// stored page views (and 10M with --rows), answered as the engine answers (per-day aggregates
// where they can, lib/db/query/aggregated.ts) against the same question without them; the writer's
// CPU per view (insert alone, + sessions upsert, + aggregates) and per event (insert alone, +
// aggregates); the rebuild of one day.
//
//   npx -y deno@2.9.6 run -A bench/query_bench.ts [--rows 1000000] [--runs 7] [--writes 50000]
//     [--db /work/tmp/q10m/q.db] [--only "page filter"] [--no-variants] [--zone Europe/Berlin]
//   deno task bench -- query        (the same at 1M, as a section of bench/run.ts)
//
// Queries: bench/stats_bench.ts's generated views (90 days, two sites), sessions and aggregates
// filled by full rebuilds; each question `runs` times per path, p50 reported. Writes: `writes`
// views in batches of 100 into a fresh database (visitors of 8 views, sessions of 4), each batch
// followed by its views' pageview_end events (`--writes 0`: none). `--db`: generate the database
// there once (with `path.now`, its generation time, written when it is complete) and reuse it on
// later runs, so 10M views are generated once. `--only <text>`: the cases whose name contains it;
// `--no-variants`: without the timings without the events family and without aggregates.
// `--zone <IANA>`: the admin dashboard cases alone, for the bench site in that zone (stored in the
// database: use a copy): first while its re-keyed days are dirty (raw rows, as every site outside
// UTC was read before its aggregates kept local days), then after the rebuild (timed).
import { cpuUsage } from "node:process";
import { insertRows } from "../lib/db/collect.ts";
import {
  EVENT_COLUMNS,
  type EventRow,
  insertSql,
  VIEW_COLUMNS,
  type ViewRow,
} from "../lib/db/columns.ts";
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { type AggregateRequest, queryAggregates, queryBatch } from "../lib/db/query/mod.ts";
import { aggregatedFamilies } from "../lib/db/query/aggregated.ts";
import {
  rebuildAggregateDays,
  rebuildAllAggregates,
  rebuildDirtyAggregates,
} from "../lib/db/aggregates_rebuild.ts";
import { saveSiteSettings } from "../lib/db/sites.ts";
import { rebuildAllSessions, upsertSessions } from "../lib/db/session_table.ts";
import type { Family } from "../lib/query/metrics.ts";
import type { Filter, Query } from "../lib/query/model.ts";
import type { JourneyQuery } from "../lib/store/analytics.ts";
import { addBenchGoal, BENCH_GOAL } from "./query_conversions.ts";
import { runAggregatesBatch, runQuery } from "../lib/query/run.ts";
import { type FunnelSpec, runFunnel } from "../lib/query/funnels.ts";
import { QUERY_BODY, resolveQuery } from "../lib/query/model.ts";
import { dashboardQueries } from "../lib/stats/engine_overview.ts";
import { sqliteAnalytics } from "../lib/store/sqlite/analytics.ts";
import type { BenchFigure } from "./report.ts";
import { generate } from "./stats_bench.ts";
import { intFlag } from "./args.ts";
import { event, SITE, view } from "../tests/_stats_fixture.ts";

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const COMMAND = "deno run -A bench/query_bench.ts (in-process queryAggregates)";
const OVERVIEW: Family[] = ["views", "sessions", "events", "bots"];

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const is = (dimension: string, value: string): Filter => ({
  op: "is",
  dimension,
  values: [value],
});

interface Case {
  name: string;
  budget: string;
  /** One or more questions timed together (a dashboard is several). */
  asks: { request: AggregateRequest; families: Family[] }[];
  /** Asked in one batch (queryBatch, as lib/stats/engine_overview.ts asks a dashboard). */
  batch?: boolean;
  /** Instead of `asks`: the engine queries of the dashboard (lib/stats/engine_overview.ts
   * dashboardQueries: headline, trend, every list) in one batch, as the admin page asks them. */
  dashboard?: Query[];
  /** Instead of `asks`: one question of the engine's runner (conversions: lib/query/run.ts). */
  query?: Query;
  /** Instead of `asks`: a funnel over a query's rows (lib/query/funnels.ts). */
  funnel?: { query: Query; spec: FunnelSpec };
  /** Instead of `asks`: a journey (issue 17), asked of the analytics area as the app asks it. */
  journey?: JourneyQuery;
}

/** The bench's question before its dimensions and filter: the bench site's last 30 UTC days up to
 * the day of `now`, bots hidden (also bench/query_explain.ts's). */
export function benchRequest(now: number): AggregateRequest {
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
  return {
    siteIds: ["bench"],
    fromMs: today - 29 * DAY_MS,
    toMs: today + DAY_MS,
    spans: [{ startMs: today - 31 * DAY_MS, offsetMin: 0 }],
    dimensions: [],
    filter: null,
    bots: { mode: "hide", threshold: 50 },
  };
}

function cases(now: number, rows: number, zone = "UTC"): Case[] {
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
  const base = benchRequest(now);
  const big = rows >= 10_000_000;
  const overview = (filter: Filter | null, dimensions: string[] = []) => ({
    request: { ...base, filter, dimensions },
    families: OVERVIEW,
  });
  const filters: [string, Filter][] = [
    ["page", is("event:page", "/pricing")],
    ["source", is("visit:source", "google.com")],
    ["country", is("visit:country", "DE")],
    ["device", is("visit:device", "mobile")],
    ["UTM source", is("visit:utm_source", "newsletter")],
    ["property", is("event:props:name", "signup")],
  ];
  const scale = big ? "10M" : "1M";
  // The engine's runner over the same 30 days (goals, funnels: issue 17).
  const ask = (body: Record<string, unknown>) =>
    resolveQuery(
      QUERY_BODY.parse({
        site_id: "bench",
        date_range: [day(today - 29 * DAY_MS), day(today)],
        timezone: zone,
        ...body,
      }),
      now,
    );
  const dashboard = (filter: Filter) =>
    ["event:page", "visit:source", "visit:country", "visit:device", "visit:browser", "visit:os"]
      .map((d) => overview(filter, [d]));
  return [
    {
      name: "30-day overview, unfiltered",
      budget: big ? "p50 < 50 ms" : "—",
      asks: [overview(null)],
    },
    ...filters.map(([label, filter]) => ({
      name: `30-day overview, ${label} filter`,
      budget: big ? "p50 < 500 ms" : "p50 < 100 ms",
      asks: [overview(filter)],
    })),
    {
      name: "30-day page breakdown, country and device filters",
      budget: "p50 < 1 s",
      asks: [
        overview(
          { op: "and", filters: [is("visit:country", "DE"), is("visit:device", "mobile")] },
          ["event:page"],
        ),
      ],
    },
    {
      name: "30-day dashboard (overview + 6 breakdowns), page filter",
      budget: "p50 < 1 s",
      asks: [overview(is("event:page", "/pricing")), ...dashboard(is("event:page", "/pricing"))],
    },
    ...filters.filter(([label]) => label === "page" || label === "country").map((
      [label, filter],
    ) => ({
      name: `30-day dashboard in one batch (overview + 6 breakdowns), ${label} filter`,
      budget: "p50 < 1 s",
      asks: [overview(filter), ...dashboard(filter)],
      batch: true,
    })),
    ...([
      ["from one page (/), 5 steps", "next", null],
      [
        "to one page (/signup), 5 steps back, country filter",
        "previous",
        is("visit:country", "DE"),
      ],
    ] as const).map(([label, direction, filter]) => {
      const { dimensions: _, ...visits } = base;
      return {
        name: `30-day journeys ${label}`,
        budget: "p50 < 1 s",
        asks: [],
        journey: {
          ...visits,
          filter,
          page: direction === "next" ? "/" : "/signup",
          direction,
          mode: "any" as const,
          depth: 5,
          width: 5,
        },
      };
    }),
    ...[
      ["no", null] as const,
      ...filters.filter(([label]) => ["page", "country", "device"].includes(label)),
    ].map((
      [label, filter],
    ) => ({
      name: `30-day admin dashboard (headline, trend, every list)${
        zone === "UTC" ? "" : ` in ${zone}`
      }, ${label} filter`,
      budget: "p50 < 1 s",
      asks: [],
      dashboard: dashboardQueries(
        "bench",
        { from: day(today - 29 * DAY_MS), to: day(today) },
        filter,
        base.bots,
        zone,
      ),
    })),
    {
      name: `30-day goal conversions by source (goal: the ${BENCH_GOAL.event_name} event)`,
      budget: big ? "p50 < 500 ms" : "—",
      asks: [],
      query: ask({
        metrics: ["unique_conversions", "conversion_rate", "conversions"],
        dimensions: ["visit:source"],
        filters: [["is", "event:goal", [BENCH_GOAL.name]]],
      }),
    },
    {
      name: "30-day funnel, 4 steps (/ → /pricing → /signup → the signup event)",
      budget: big ? "p50 < 1 s" : "—",
      asks: [],
      funnel: {
        query: ask({ metrics: ["visitors"] }),
        spec: {
          steps: [
            { page: "/" },
            { page: "/pricing" },
            { page: "/signup" },
            { event_name: BENCH_GOAL.event_name },
          ],
          order: "strict" as const,
          per: "visit" as const,
        },
      },
    },
  ].map((c) => ({ ...c, name: `${c.name}, ${scale} views` }));
}

async function timeCase(db: Database, c: Case, runs: number, aggregates: boolean) {
  const times: number[] = [];
  // The dashboard's batch as the app runs it: through the store's analytics area.
  const ctx = { analytics: sqliteAnalytics(db), now: Date.now };
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    if (c.dashboard) await runAggregatesBatch(ctx, c.dashboard);
    else if (c.query) await runQuery(ctx, c.query);
    else if (c.funnel) await runFunnel(ctx, c.funnel.query, c.funnel.spec);
    else if (c.journey) await ctx.analytics.journeys(c.journey);
    else if (c.batch) {
      const members = c.asks.map((a) => ({ ...a.request, families: a.families }));
      queryBatch(db, { ...c.asks[0].request, aggregates }, members);
    } else {
      for (const ask of c.asks) queryAggregates(db, { ...ask.request, aggregates }, ask.families);
    }
    times.push(performance.now() - started);
  }
  return p50(times);
}

/** Which cases timeQueries runs (`only`: those whose name contains it) and whether it times the
 * variants (without the events family, without aggregates) too. */
interface Selection {
  only?: string;
  variants?: boolean;
  /** The bench site's zone (--zone): the admin dashboard cases alone, in its local days. */
  zone?: string;
}

async function timeQueries(
  db: Database,
  runs: number,
  now: number,
  rows: number,
  selection: Selection = {},
): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const variants = selection.variants ?? true;
  const zone = selection.zone ?? "UTC";
  const chosen = cases(now, rows, zone).filter((c) =>
    c.name.includes(selection.only ?? "") && (zone === "UTC" || c.dashboard)
  );
  addBenchGoal(db);
  for (const c of chosen) {
    // Asks whose every family the aggregates answer.
    const served = c.asks.filter((a) =>
      aggregatedFamilies(db, a.request, a.families)?.size === a.families.length
    ).length;
    const fast = await timeCase(db, c, runs, true);
    // The admin dashboard's queries, journeys and the runner's choose their own path (no variants).
    const runner = c.dashboard || c.query || c.funnel || c.journey;
    const noEvents = !variants || runner ? NaN : await timeCase(
      db,
      {
        ...c,
        asks: c.asks.map((a) => ({
          ...a,
          families: a.families.filter((f) =>
            f !== "events"
          ),
        })),
      },
      runs,
      true,
    );
    const slow = variants && !runner ? await timeCase(db, c, Math.min(runs, 3), false) : NaN;
    const how = c.dashboard
      ? `${c.dashboard.length} engine queries in one batch`
      : c.query
      ? "the engine's runner: raw rows + sessions table, goals joined"
      : c.funnel
      ? "the engine's matched rows, steps found per visit"
      : c.journey
      ? "the page's sessions' raw views"
      : served === c.asks.length
      ? "aggregates"
      : served
      ? `aggregates for ${served} of ${c.asks.length}`
      : "raw rows + sessions table";
    // A case without variants (the admin dashboard's, or --no-variants) has no baseline.
    const compared = !Number.isNaN(slow);
    console.log(
      `${c.name}: p50 ${fast.toFixed(1)} ms (${how})` +
        (compared ? `; without aggregates ${slow.toFixed(0)} ms` : ""),
    );
    figures.push({
      name: `${c.name}, p50`,
      value: Number(fast.toFixed(1)),
      unit: Number.isNaN(noEvents)
        ? `ms (${how})`
        : `ms (${how}; without the events family ${noEvents.toFixed(1)} ms)`,
      ...(compared
        ? { baseline: Number(slow.toFixed(1)), ratio: Number((slow / fast).toFixed(1)) }
        : {}),
      budget: c.budget,
      command: compared ? `${COMMAND}; baseline: the same without aggregates` : COMMAND,
    });
  }
  return figures;
}

function timeWrites(total: number): BenchFigure[] {
  const rows: ViewRow[] = Array.from({ length: total }, (_, i) =>
    view({
      visitor_id: `v${Math.floor(i / 8)}`,
      session_id: `s${Math.floor(i / 4)}`,
      path: ["/", "/pricing", "/docs", "/blog/a"][i % 4],
      referrer_domain: i % 3 ? "google.com" : null,
      country_code: ["DE", "US", "FI"][Math.floor(i / 8) % 3],
      created_at: new Date(Date.UTC(2026, 10, 19) + i * 1000).toISOString(),
    }));
  // One event per view: its pageview_end (some with a custom property), a few seconds later.
  const events: EventRow[] = rows.map((v, i) =>
    event({
      visitor_id: v.visitor_id,
      session_id: v.session_id,
      path: v.path,
      event_type: "pageview_end",
      scroll_pct: 60,
      engaged_ms: 4000,
      data: i % 5 ? "{}" : '{"plan":"pro"}',
      created_at: new Date(Date.parse(String(v.created_at)) + 3000).toISOString(),
    })
  );
  const result: Record<string, number> = {};
  const eventCpu: Record<string, number> = {};
  let rebuildMs = 0;
  const cpu = (started: ReturnType<typeof cpuUsage>) => {
    const used = cpuUsage(started);
    return used.user + used.system;
  };
  for (const mode of ["insert", "sessions", "aggregates"] as const) {
    const dir = Deno.makeTempDirSync({ prefix: "echelon-query-bench-" });
    const db = openDatabase(`${dir}/w.db`);
    const plain = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
    const plainEvent = db.statement(insertSql("semantic_events", EVENT_COLUMNS));
    let viewsUs = 0, eventsUs = 0;
    for (let i = 0; i < total; i += 100) {
      const batch = rows.slice(i, i + 100);
      let started = cpuUsage();
      if (mode === "aggregates") insertRows(db, "visitor_views", batch);
      else {
        db.transaction(() => {
          let first = 0, last = 0;
          for (const row of batch) {
            last = Number(plain.run(...VIEW_COLUMNS.map((c) => row[c])).lastInsertRowid);
            first ||= last;
          }
          if (mode === "sessions") upsertSessions(db, first, last);
        });
      }
      viewsUs += cpu(started);
      // The batch's events, as the events writer sends them.
      const eventBatch = events.slice(i, i + 100);
      started = cpuUsage();
      if (mode === "aggregates") insertRows(db, "semantic_events", eventBatch);
      else {
        db.transaction(() => {
          for (const row of eventBatch) plainEvent.run(...EVENT_COLUMNS.map((c) => row[c]));
        });
      }
      eventsUs += cpu(started);
    }
    result[mode] = viewsUs / total;
    eventCpu[mode] = eventsUs / total;
    if (mode === "aggregates") {
      // The first day's views (most of `total`), rebuilt from the raw rows.
      const started = cpuUsage();
      rebuildAggregateDays(db, SITE, "2026-11-19", "2026-11-20");
      rebuildMs = cpu(started) / 1000;
    }
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
  const dayViews = Math.min(total, 86_400);
  const perDay = rebuildMs * 110_000 / dayViews;
  const share = (µs: number) => µs * 5000 / 10_000;
  const viewShare = share(result.aggregates - result.sessions);
  const eventShare = share(eventCpu.aggregates - eventCpu.insert);
  console.log(
    `write CPU per view (batches of 100): insert ${result.insert.toFixed(1)} µs, + sessions ${
      result.sessions.toFixed(1)
    } µs, + aggregates ${result.aggregates.toFixed(1)} µs; per event: insert ${
      eventCpu.insert.toFixed(1)
    } µs, + aggregates ${eventCpu.aggregates.toFixed(1)} µs; aggregates at 5k views/s ${
      viewShare.toFixed(1)
    } % of a core, + 5k events/s ${eventShare.toFixed(1)} %; rebuild of a ${dayViews}-view day ${
      rebuildMs.toFixed(0)
    } ms CPU`,
  );
  const command = `${COMMAND} (${total} views and ${total} events in batches of 100, CPU time ` +
    "of the process)";
  return [
    {
      name: "Writer CPU per page view with sessions + per-day aggregates vs the insert alone",
      value: Number(result.aggregates.toFixed(1)),
      unit: `µs (+ sessions alone ${result.sessions.toFixed(1)} µs)`,
      baseline: Number(result.insert.toFixed(1)),
      ratio: Number((result.aggregates / result.insert).toFixed(2)),
      command,
    },
    {
      name: "Writer CPU per event with per-day aggregates vs the insert alone",
      value: Number(eventCpu.aggregates.toFixed(1)),
      unit: "µs (a pageview_end, one in five with a custom property)",
      baseline: Number(eventCpu.insert.toFixed(1)),
      ratio: Number((eventCpu.aggregates / eventCpu.insert).toFixed(2)),
      command,
    },
    {
      name: "Keeping the per-day aggregates current at 5k views/s",
      value: Number((viewShare + eventShare).toFixed(1)),
      unit: `% of one core (views ${viewShare.toFixed(1)} %, one event per view ${
        eventShare.toFixed(1)
      } %)`,
      budget: "< 10 %",
      command,
    },
    {
      name: "Rebuilding one day's aggregates from the raw rows, scaled to 110k views (CPU time)",
      value: Math.round(perDay),
      unit: `ms (${dayViews} views and their events in ${rebuildMs.toFixed(0)} ms)`,
      budget: "< 1 s",
      command,
    },
  ];
}

/** The admin dashboard cases for the bench site moved to `options.zone`: while its re-keyed days
 * are dirty (the raw rows), then after their rebuild. */
async function timeZoned(
  db: Database,
  now: number,
  rows: number,
  options: { runs?: number } & Selection,
): Promise<BenchFigure[]> {
  const settings = { consent_css: "", send_form_values: false, query_allowlist: [] };
  saveSiteSettings(db, "bench", { ...settings, time_zone: options.zone! });
  const runs = options.runs ?? 7;
  console.log(`bench site in ${options.zone}: every day dirty (raw rows)`);
  const raw = (await timeQueries(db, Math.min(runs, 3), now, rows, options)).map((f) => ({
    ...f,
    name: f.name.replace(", p50", ", raw rows while re-keyed (as before local days), p50"),
  }));
  const started = performance.now();
  const days = rebuildDirtyAggregates(db);
  const ms = performance.now() - started;
  console.log(`re-keyed: ${days} days rebuilt in ${(ms / 1000).toFixed(1)} s`);
  db.exec("ANALYZE");
  const served = await timeQueries(db, runs, now, rows, options);
  return [
    ...raw,
    {
      name: `Re-keying the bench site's aggregates to ${options.zone} (every day rebuilt)`,
      value: Number((ms / 1000).toFixed(1)),
      unit: `s (${days} days, ${rows} views)`,
      command: `${COMMAND} --zone ${options.zone}`,
    },
    ...served,
  ];
}

/** The generated database: at `path` when given (kept, and reused when a run finished filling it:
 * `path.now` holds its generation time), else in a temporary directory removed by `close`. */
function queryDatabase(path: string | undefined) {
  const dir = path ? null : Deno.makeTempDirSync({ prefix: "echelon-query-bench-" });
  const file = path ?? `${dir}/q.db`;
  let reused: number | null = null;
  try {
    reused = Number(Deno.readTextFileSync(`${file}.now`));
  } catch {
    // Not complete (a run stopped while filling it): start again.
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        Deno.removeSync(file + suffix);
      } catch {
        // Not there.
      }
    }
  }
  const db = openDatabase(file);
  db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000");
  const close = () => {
    db.close();
    if (dir) Deno.removeSync(dir, { recursive: true });
  };
  return { db, file, reused, close };
}

/** The section of `deno task bench`: writes, then the budget rows at `rows` views. `db`: keep the
 * generated database there and reuse it on the next run (bench/query_bench.ts --db). */
export async function benchQuery(
  options: { rows?: number; runs?: number; writes?: number; db?: string } & Selection = {},
): Promise<BenchFigure[]> {
  const rows = options.rows ?? 1_000_000;
  const figures = options.writes === 0 ? [] : timeWrites(options.writes ?? 50_000);
  const { db, file, reused, close } = queryDatabase(options.db);
  try {
    const now = reused ?? Date.now();
    if (reused === null) {
      const log = options.db ? (m: string) => console.log(m) : () => {};
      let at = performance.now();
      const lap = (what: string) => {
        log(`${what} in ${((performance.now() - at) / 1000).toFixed(1)} s`);
        at = performance.now();
      };
      generate(db, rows, now, log);
      lap(`${rows} views generated`);
      rebuildAllSessions(db);
      lap("sessions rebuilt");
      const started = performance.now();
      rebuildAllAggregates(db);
      const ms = performance.now() - started;
      console.log(`${rows} views: aggregates rebuilt in ${(ms / 1000).toFixed(1)} s`);
      figures.push({
        name: `Full rebuild of the per-day aggregates, ${rows} views over 91 days`,
        value: Number((ms / 1000).toFixed(1)),
        unit: `s (${(ms / 91).toFixed(0)} ms/day)`,
        command: COMMAND,
      });
      db.exec("ANALYZE");
      if (options.db) Deno.writeTextFileSync(`${file}.now`, String(now));
    } else console.log(`${file}: reused (generated at ${new Date(now).toISOString()})`);
    if (options.zone && options.zone !== "UTC") {
      figures.push(...await timeZoned(db, now, rows, options));
    } else figures.push(...await timeQueries(db, options.runs ?? 7, now, rows, options));
  } finally {
    close();
  }
  return figures;
}

/** `--name value` of the command line, or undefined. */
function textFlag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => intFlag(Deno.args, name, fallback);
  await benchQuery({
    rows: flag("rows", 1_000_000),
    runs: flag("runs", 7),
    // 0: no writer rows (the query rows of a kept database alone).
    writes: textFlag("writes") === "0" ? 0 : flag("writes", 50_000),
    db: textFlag("db"),
    only: textFlag("only"),
    variants: !Deno.args.includes("--no-variants"),
    zone: textFlag("zone"),
  });
}
