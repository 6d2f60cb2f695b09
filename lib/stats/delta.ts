// The additive figures of a period (a day, a range): what the overview sums, whether they come
// from stored rollups, raw rows or the live part of today (lib/db/stats_delta.ts dayDelta).
import type { DayTotals } from "./terms.ts";

export type Totals = Omit<DayTotals, "date">;

/** Adds `b` into `a` field by field. */
export function addTotals(a: Totals, b: Totals): Totals {
  for (const key of Object.keys(b) as (keyof Totals)[]) a[key] += b[key];
  return a;
}

export function emptyTotals(): Totals {
  return {
    views: 0,
    visitors: 0,
    sessions: 0,
    bounces: 0,
    session_views: 0,
    session_ms: 0,
    interaction_ms: 0,
    interaction_n: 0,
    events: 0,
    engaged_ms: 0,
    engaged_n: 0,
    scroll_pct: 0,
    scroll_n: 0,
    verified_visitors: 0,
    unverified_views: 0,
    unverified_visitors: 0,
    excluded_views: 0,
    excluded_visitors: 0,
  };
}
