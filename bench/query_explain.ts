// Where a filtered question's time goes on the compiler's raw path (lib/db/query/compile.ts): its
// plan (EXPLAIN QUERY PLAN) and each CTE's rows and time (a count through it, its prerequisites
// included, second of two runs), over bench/stats_bench.ts's generated views. Findings:
// bench/query_notes.md.
//
//   npx -y deno@2.9.6 run -A bench/query_explain.ts [--rows 1000000] [--case breakdown]
//     [--keep /tmp/q.db] [--filter country]
//
// Cases: "breakdown" (30-day page breakdown, country and device filters, every family) and
// "dashboard" (one batch: 5 breakdowns by source, country, device, browser, OS, page filter, as
// lib/stats/engine_overview.ts asks the lists the aggregates do not answer), "admin" (the admin
// dashboard's statement: lib/stats/engine_overview.ts dashboardQueries, the members the per-day
// aggregates do not answer, as lib/db/query/mod.ts planBatch compiles them; `--filter page|country|
// device`, default country). `--keep`: generate the database at that path once and reuse it (the
// generation takes minutes at 1M; a database bench/query_bench.ts --db made, aggregates included,
// is reused as it is).
import { openDatabase } from "../lib/db/mod.ts";
import { type AggregateRequest, compileAggregates, compileBatch } from "../lib/db/query/compile.ts";
import { ensureRegexp, SQLITE } from "../lib/db/query/sqlite.ts";
import { rebuildAllSessions } from "../lib/db/session_table.ts";
import type { Filter } from "../lib/query/model.ts";
import { AGGREGATES, type Family, metricFor } from "../lib/query/metrics.ts";
import { planBatch } from "../lib/db/query/mod.ts";
import { dashboardQueries } from "../lib/stats/engine_overview.ts";
import { generate } from "./stats_bench.ts";
import { benchRequest } from "./query_bench.ts";
import { intFlag } from "./args.ts";

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const FAMILIES: Family[] = ["views", "sessions", "events", "bots"];
const CTES = ["w", "wk", "wf", "ef", "needed", "edge", "sg", "s", "se", "rv", "re"];

const is = (dimension: string, value: string): Filter => ({ op: "is", dimension, values: [value] });

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const rows = intFlag(Deno.args, "rows", 1_000_000);
const keep = flag("keep");
const path = keep ?? `${Deno.makeTempDirSync({ prefix: "echelon-query-explain-" })}/q.db`;
let fresh = true;
try {
  fresh = !Deno.statSync(`${path}.now`).isFile;
} catch {
  fresh = true;
}
const db = openDatabase(path);
db.exec("PRAGMA cache_size = -1000000");
if (fresh) {
  db.exec("PRAGMA synchronous = OFF");
  const generatedAt = Date.now();
  generate(db, rows, generatedAt, () => {});
  rebuildAllSessions(db);
  db.exec("ANALYZE");
  Deno.writeTextFileSync(`${path}.now`, String(generatedAt));
}
const now = Number(Deno.readTextFileSync(`${path}.now`));
ensureRegexp(db);
const base: AggregateRequest = { ...benchRequest(now), aggregates: false };
const page = is("event:page", "/pricing");
const FILTERS: Record<string, Filter> = {
  page,
  country: is("visit:country", "DE"),
  device: is("visit:device", "mobile"),
};
/** The admin dashboard's members the aggregates leave to the statement. */
function admin() {
  const queries = dashboardQueries(
    "bench",
    { from: day(base.fromMs), to: day(base.toMs - DAY_MS) },
    FILTERS[flag("filter") ?? "country"],
    base.bots,
  );
  const members = queries.map((q) => ({
    dimensions: q.dimensions,
    filter: q.filter,
    // The families of the metrics' inputs (as lib/query/run.ts asks them).
    families: [
      ...new Set(q.metrics.flatMap((m) => metricFor(m)!.inputs.map((a) => AGGREGATES[a]))),
    ],
  }));
  const plan = planBatch(db, { ...base, aggregates: true }, members);
  console.log(`${plan.rest.length} of ${members.length} members on raw rows`);
  return plan.compiled!;
}
const which = flag("case") ?? "breakdown";
const compiled = which === "admin" ? admin() : which === "dashboard"
  ? compileBatch(
    SQLITE,
    base,
    ["visit:source", "visit:country", "visit:device", "visit:browser", "visit:os"]
      .map((d) => ({ dimensions: [d], filter: page, families: FAMILIES })),
  )
  : compileAggregates(SQLITE, {
    ...base,
    dimensions: ["event:page"],
    filter: { op: "and", filters: [is("visit:country", "DE"), is("visit:device", "mobile")] },
  }, FAMILIES);
const { sql, params } = compiled;
for (const row of db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...params)) {
  console.log(row.detail);
}
const head = sql.slice(0, sql.search(/\nSELECT (\d+ AS member|'\w+' AS family)/));
const timed = (label: string, run: () => number) => {
  let n = 0, ms = 0;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    n = run();
    ms = performance.now() - started;
  }
  console.log(`${label}: ${n} rows, ${ms.toFixed(0)} ms`);
};
for (const cte of CTES.filter((c) => new RegExp(`\\b${c} AS `).test(head))) {
  timed(
    cte,
    () => db.get<{ n: number }>(`${head}\nSELECT COUNT(*) AS n FROM ${cte}`, ...params)!.n,
  );
}
timed("the statement", () => db.all(sql, ...params).length);
db.close();
if (!keep) Deno.removeSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
