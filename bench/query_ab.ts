// Another tree's query engine against this one, alternately in one process on one database: the
// admin dashboard's batch (lib/stats/engine_overview.ts dashboardQueries) under a page, country and
// device filter, and the page breakdown under two filters; p50 of `runs`, and whether the answers
// are the same. The other tree: e.g. main extracted with `git archive <commit> | tar -x -C <dir>`
// and its node_modules copied there. The database: one bench/query_bench.ts --db kept.
//
//   npx -y deno@2.9.6 run -A bench/query_ab.ts --base <dir> --db <path> [--runs 3] [--only device]
//     [--days 30]
import { openDatabase } from "../lib/db/mod.ts";
import { runAggregatesBatch as mine } from "../lib/query/run.ts";
import { dashboardQueries } from "../lib/stats/engine_overview.ts";
import { sqliteAnalytics } from "../lib/store/sqlite/analytics.ts";
import type { Query } from "../lib/query/model.ts";
import { intFlag } from "./args.ts";
import { cpuUsage } from "node:process";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}
const base = flag("base");
const path = flag("db");
if (!base || !path) throw new Error("--base <dir> and --db <path> are required");
const runs = intFlag(Deno.args, "runs", 3);
const only = flag("only") ?? "";
// The other tree's runner may still take the connection (before the store's analytics area ran
// it): the context has both, and its answer is awaited either way.
const main = (await import(`${base}/lib/query/run.ts`)).runAggregatesBatch as typeof mine;
const db = openDatabase(path);
db.exec("PRAGMA cache_size = -1000000");
const now = Number(Deno.readTextFileSync(`${path}.now`));
const DAY = 86_400_000;
const today = Date.parse(new Date(now).toISOString().slice(0, 10));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// `--days N`: the last N days (default 30; the bench database holds 91).
const days = intFlag(Deno.args, "days", 30);
const range = { from: day(today - (days - 1) * DAY), to: day(today) };
const is = (dimension: string, value: string) => ({
  op: "is" as const,
  dimension,
  values: [value],
});
const bots = { mode: "hide" as const, threshold: 50 };
const cases: [string, Query[]][] = [
  ...(["page", "country", "device"] as const).map((label): [string, Query[]] => [
    `admin dashboard, ${label} filter`,
    dashboardQueries(
      "bench",
      range,
      {
        page: is("event:page", "/pricing"),
        country: is("visit:country", "DE"),
        device: is("visit:device", "mobile"),
      }[label],
      bots,
    ),
  ]),
  ["page breakdown, country and device filters", [{
    ...dashboardQueries("bench", range, null, bots)[0],
    metrics: ["visitors", "visits", "pageviews", "events", "bounce_rate"],
    dimensions: ["event:page"],
    filter: { op: "and", filters: [is("visit:country", "DE"), is("visit:device", "mobile")] },
  }]],
];
const ctx = { db, analytics: sqliteAnalytics(db), now: () => now };
for (const [name, queries] of cases.filter(([n]) => n.includes(only))) {
  const t: Record<string, number[]> = { main: [], mine: [] };
  // The process's CPU time too: steadier than the wall time on a shared machine.
  const cpu: Record<string, number[]> = { main: [], mine: [] };
  const answers: Record<string, string> = {};
  for (let i = 0; i < runs; i++) {
    for (const [label, run] of [["main", main], ["mine", mine]] as const) {
      const started = performance.now(), used = cpuUsage();
      const out = await run(ctx, queries);
      t[label].push(performance.now() - started);
      const spent = cpuUsage(used);
      cpu[label].push((spent.user + spent.system) / 1000);
      // Each member's rows in one order (engines need not group in the same order).
      answers[label] = JSON.stringify(
        out.map((rows) => rows.map((r) => JSON.stringify(r)).sort()),
      );
    }
  }
  const same = answers.main === answers.mine;
  const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    `${name}: main p50 ${p50(t.main).toFixed(0)} ms [${
      t.main.map((x) => x.toFixed(0))
    }], this branch p50 ${p50(t.mine).toFixed(0)} ms [${t.mine.map((x) => x.toFixed(0))}], ratio ${
      (p50(t.main) / p50(t.mine)).toFixed(2)
    }; CPU p50 main ${p50(cpu.main).toFixed(0)} ms, this branch ${
      p50(cpu.mine).toFixed(0)
    } ms, ratio ${(p50(cpu.main) / p50(cpu.mine)).toFixed(2)}; same answers: ${same}`,
  );
}
