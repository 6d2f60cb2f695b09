// Sessions table benchmark (issue 16): query time with sessions read from the sessions table
// against sessions built from the raw rows (the writer's CPU per view, with and without the
// sessions upsert and the per-day aggregates, is bench/query_bench.ts's).
//
//   npx -y deno@2.9.6 run -A bench/sessions_bench.ts [--rows 1000000] [--runs 7]
//
// Queries: bench/stats_bench.ts's generated page views (90 days, two sites, ~1.2 events a view),
// the sessions table filled by a full rebuild; then 30-day totals, the same with a page filter,
// and by country, each `runs` times per path (p50 reported), without the per-day aggregates.
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { type AggregateRequest, queryAggregates } from "../lib/db/query/mod.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";
import { generate } from "./stats_bench.ts";
import { intFlag } from "./args.ts";

const DAY_MS = 86_400_000;

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeQueries(db: Database, runs: number, now: number) {
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
  const base: AggregateRequest = {
    siteIds: ["bench"],
    fromMs: today - 29 * DAY_MS,
    toMs: today + DAY_MS,
    spans: [],
    dimensions: [],
    filter: null,
    bots: { mode: "hide", threshold: 50 },
  };
  const cases: [string, AggregateRequest][] = [
    ["30-day totals", base],
    ["30-day totals, page is /pricing", {
      ...base,
      filter: { op: "is", dimension: "event:page", values: ["/pricing"] },
    }],
    ["30-day by country", { ...base, dimensions: ["visit:country"] }],
  ];
  for (const [name, request] of cases) {
    const figures: string[] = [];
    for (const sessions of ["raw", "table"] as const) {
      const times: number[] = [];
      let visits = 0;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const out = queryAggregates(
          db,
          { ...request, sessions, aggregates: false },
          ["views", "sessions"],
        );
        times.push(performance.now() - started);
        visits = out.get("sessions")!.reduce((n, r) => n + r.values.visits, 0);
      }
      figures.push(`${sessions} ${p50(times).toFixed(0)} ms (visits ${visits})`);
    }
    console.log(`${name}: p50 ${figures.join(", ")}`);
  }
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => intFlag(Deno.args, name, fallback);
  const rows = flag("rows", 1_000_000);
  const runs = flag("runs", 7);
  const dir = Deno.makeTempDirSync({ prefix: "echelon-sessions-bench-" });
  try {
    const db = openDatabase(`${dir}/q.db`);
    db.exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000");
    const now = Date.now();
    generate(db, rows, now, () => {});
    const started = performance.now();
    const n = rebuildAllSessions(db);
    console.log(
      `${rows} views: sessions table rebuilt (${n} sessions) in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s`,
    );
    db.exec("ANALYZE");
    timeQueries(db, runs, now);
    db.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
