// Questions answered from rollup-shaped tables: the stored rollups (rollup_daily and the week and
// month blocks of lib/db/rollup_blocks.ts) or the scratch tables a filtered query fills from raw
// rows. Days are UTC (YYYY-MM-DD). Visitors over several days are the sum of each day's exact
// distinct count (docs/architecture.md, "Scale-out"): visitor ids rotate daily, so that sum is the
// honest figure.
import type { Database } from "./database.ts";
import type { RangePlan } from "./rollup_blocks.ts";
import type { RollupTargets } from "./rollups.ts";
import type { DayTotals, DimensionRow } from "../stats/terms.ts";
import type { HourRow } from "../store/analytics.ts";

export type { DayTotals, DimensionRow } from "../stats/terms.ts";
export type { HourRow } from "../store/analytics.ts";

export const TOTAL_FIELDS = [
  "views",
  "visitors",
  "sessions",
  "bounces",
  "session_views",
  "session_ms",
  "interaction_ms",
  "interaction_n",
  "events",
  "engaged_ms",
  "engaged_n",
  "scroll_pct",
  "scroll_n",
  "verified_visitors",
  "unverified_views",
  "unverified_visitors",
  "excluded_views",
  "excluded_visitors",
] as const satisfies readonly (keyof DayTotals)[];

/** One row per day that has figures, ordered by date. */
export function dailyTotals(
  db: Database,
  t: RollupTargets,
  q: { siteId: string; from: string; to: string },
): DayTotals[] {
  return db.all<DayTotals>(
    `SELECT date, ${TOTAL_FIELDS.join(", ")} FROM ${t.totals}
     WHERE site_id = ? AND date >= ? AND date <= ? ORDER BY date`,
    q.siteId,
    q.from,
    q.to,
  );
}

/** The rows of one dimension over a plan's days (and blocks, for the stored rollups). */
function planned(t: RollupTargets, extra = ""): string {
  const blocks = t.daily === "rollup_daily"
    ? `UNION ALL
       SELECT value, views, visitors, sessions, bounces, exits FROM rollup_blocks
       WHERE site_id = ?1 AND dimension = ?2 AND block IN (SELECT value FROM json_each(?4)) ${extra}`
    : "";
  return `SELECT value, SUM(views) AS views, SUM(visitors) AS visitors,
            SUM(sessions) AS sessions, SUM(bounces) AS bounces, SUM(exits) AS exits
     FROM (
       SELECT value, views, visitors, sessions, bounces, exits FROM ${t.daily}
       WHERE site_id = ?1 AND dimension = ?2 AND date IN (SELECT value FROM json_each(?3)) ${extra}
       ${blocks}
     )
     GROUP BY value`;
}

/**
 * The values of one dimension over the plan, most views first (then by value, so ties are
 * stable); `limit` null returns them all.
 */
export function dimensionTop(
  db: Database,
  t: RollupTargets,
  q: { siteId: string; dimension: string; plan: RangePlan; limit: number | null },
): DimensionRow[] {
  return db.all<DimensionRow>(
    `${planned(t)} ORDER BY views DESC, value LIMIT ?5`,
    q.siteId,
    q.dimension,
    JSON.stringify(q.plan.days),
    JSON.stringify(q.plan.blocks),
    q.limit ?? -1,
  );
}

/** The figures of the given values of one dimension (to merge a live delta into a top list). */
export function dimensionValues(
  db: Database,
  t: RollupTargets,
  q: { siteId: string; dimension: string; plan: RangePlan; values: string[] },
): DimensionRow[] {
  if (q.values.length === 0) return [];
  return db.all<DimensionRow>(
    planned(t, "AND value IN (SELECT value FROM json_each(?5))"),
    q.siteId,
    q.dimension,
    JSON.stringify(q.plan.days),
    JSON.stringify(q.plan.blocks),
    JSON.stringify(q.values),
  );
}

/** Stored per-hour figures for hours in [fromHour, toHour] (`YYYY-MM-DDTHH`). */
export function hourlyRollup(
  db: Database,
  q: { siteId: string; fromHour: string; toHour: string },
): HourRow[] {
  return db.all<HourRow>(
    `SELECT hour, views, visitors, events FROM rollup_hourly
     WHERE site_id = ? AND hour >= ? AND hour <= ? ORDER BY hour`,
    q.siteId,
    q.fromHour,
    q.toHour,
  );
}
