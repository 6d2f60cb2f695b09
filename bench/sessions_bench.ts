// Sessions table benchmark (issue 16): query time with sessions read from the sessions table
// against sessions built from the raw rows, and the writer's CPU per view with and without the
// sessions upsert.
//
//   npx -y deno@2.9.6 run -A bench/sessions_bench.ts [--rows 1000000] [--runs 7] [--writes 50000]
//
// Queries: bench/stats_bench.ts's generated page views (90 days, two sites, ~1.2 events a view),
// the sessions table filled by a full rebuild; then 30-day totals, the same with a page filter,
// and by country, each `runs` times per path (p50 reported). Writes: `writes` views in batches of
// 100 into a fresh database, sessions of four views; CPU time of the process per view.
import { cpuUsage } from "node:process";
import { insertRows } from "../lib/db/collect.ts";
import { insertSql, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { type Database, openDatabase } from "../lib/db/mod.ts";
import { type AggregateRequest, queryAggregates } from "../lib/db/query/mod.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";
import { generate } from "./stats_bench.ts";
import { view } from "../tests/_stats_fixture.ts";

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
        const out = queryAggregates(db, { ...request, sessions }, ["views", "sessions"]);
        times.push(performance.now() - started);
        visits = out.get("sessions")!.reduce((n, r) => n + r.values.visits, 0);
      }
      figures.push(`${sessions} ${p50(times).toFixed(0)} ms (visits ${visits})`);
    }
    console.log(`${name}: p50 ${figures.join(", ")}`);
  }
}

function timeWrites(total: number) {
  const rows: ViewRow[] = Array.from({ length: total }, (_, i) =>
    view({
      visitor_id: `v${Math.floor(i / 8)}`,
      session_id: `s${Math.floor(i / 4)}`,
      path: ["/", "/pricing", "/docs", "/blog/a"][i % 4],
      referrer_domain: i % 3 ? "google.com" : null,
      created_at: new Date(Date.UTC(2026, 10, 19) + i * 1000).toISOString(),
    }));
  const result: Record<string, number> = {};
  for (const mode of ["without", "with"] as const) {
    const dir = Deno.makeTempDirSync({ prefix: "echelon-sessions-bench-" });
    const db = openDatabase(`${dir}/w.db`);
    // Without: the insert alone (the writer before the sessions table).
    const plain = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
    const before = cpuUsage();
    for (let i = 0; i < total; i += 100) {
      const batch = rows.slice(i, i + 100);
      if (mode === "with") insertRows(db, "visitor_views", batch);
      else {
        db.transaction(() => {
          for (const row of batch) plain.run(...VIEW_COLUMNS.map((c) => row[c]));
        });
      }
    }
    const used = cpuUsage(before);
    result[mode] = (used.user + used.system) / total;
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
  console.log(
    `write CPU per view (batches of 100): without sessions ${result.without.toFixed(1)} µs, ` +
      `with ${result.with.toFixed(1)} µs; at 5k views/s the upsert costs ${
        ((result.with - result.without) * 5000 / 10_000).toFixed(1)
      } % of a core`,
  );
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const i = Deno.args.indexOf(`--${name}`);
    const n = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: ${Deno.args[i + 1]}`);
    return n;
  };
  const rows = flag("rows", 1_000_000);
  const runs = flag("runs", 7);
  timeWrites(flag("writes", 50_000));
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
