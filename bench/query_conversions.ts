// The bench database's goal (issue 17): the site's `signup` custom events, which the generator
// (bench/stats_bench.ts) sends in about 1 % of the visits. Stored once per database, so the
// conversion cases of bench/query_bench.ts ask what a user with that goal asks.
import type { Database } from "../lib/db/mod.ts";
import { insertGoal, listGoals } from "../lib/db/goals.ts";

export const BENCH_GOAL = { name: "Signup", event_name: "signup" } as const;

export function addBenchGoal(db: Database): void {
  if (listGoals(db, "bench").some((g) => g.name === BENCH_GOAL.name)) return;
  insertGoal(db, {
    siteId: "bench",
    name: BENCH_GOAL.name,
    kind: "event",
    page: null,
    pageRegex: null,
    eventName: BENCH_GOAL.event_name,
    props: null,
    scrollDepth: null,
    currency: null,
  });
}
