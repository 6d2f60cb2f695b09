// The dashboard's Goals card (components/GoalsCard.tsx): each goal of the site with its converted
// visitors, conversion rate and conversions over the period under the dashboard's filters and bot
// setting, and the rate's change from the previous period — one question of the query engine
// (`event:goal` by the conversion metrics, lib/query/goals.ts). A goal without conversions is
// listed with zeros; clicking one filters the dashboard to the visits that converted.
import { describeGoal, GOAL_DIMENSION, type GoalRecord } from "../query/goals.ts";
import type { Filter, Query } from "../query/model.ts";
import { resolveQuery } from "../query/model.ts";
import type { Reader } from "../reads/mod.ts";
import { isRefusedRead } from "../reads/refusals.ts";
import type { Period } from "./period.ts";

export interface GoalFigure {
  name: string;
  /** What the goal counts, in words. */
  description: string;
  visitors: number;
  conversions: number;
  /** Converted visitors per 100 visitors. */
  rate: number;
  /** The rate's change from the previous period in points, null without one. */
  rateChange: number | null;
  /** Revenue goals: the period's revenue in `currency`. */
  revenue: { amount: number; currency: string } | null;
}

export type GoalsCardModel =
  | { goals: GoalFigure[] }
  | { unavailable: string };

const METRICS = ["unique_conversions", "conversions", "conversion_rate", "total_revenue"];

/** The engine's question: conversions by goal of one site over the period, compared with the
 * previous one (a period of whole days; "all" has none). */
export function goalsCardQuery(
  siteId: string,
  period: Pick<Period, "from" | "to" | "timeZone" | "preset">,
  now: number,
  view: { filter: Filter | null; bots?: Query["bots"] } = { filter: null },
): Query {
  const query = resolveQuery({
    site_id: siteId,
    metrics: METRICS,
    date_range: [period.from, period.to],
    timezone: period.timeZone,
    dimensions: [GOAL_DIMENSION],
    ...(period.preset === "all" ? {} : { include: { comparisons: { mode: "previous_period" } } }),
  }, now);
  return { ...query, filter: view.filter, bots: view.bots ?? query.bots };
}

/** The card's rows: every goal (none: an empty card offering to add one), busiest first. */
export async function loadGoalsCard(
  reads: Reader,
  goals: readonly GoalRecord[],
  query: Query,
): Promise<GoalsCardModel> {
  if (goals.length === 0) return { goals: [] };
  try {
    const answer = await reads.run("query", query);
    const byName = new Map(answer.results.map((r) => [r.dimensions[0], r]));
    const figures = goals.map((goal): GoalFigure => {
      const row = byName.get(goal.name);
      const [visitors, conversions, rate, revenue] = row?.metrics ?? [0, 0, 0, 0];
      return {
        name: goal.name,
        description: describeGoal(goal),
        visitors: visitors ?? 0,
        conversions: conversions ?? 0,
        rate: rate ?? 0,
        // A goal without conversions in the period has no row, so no change to show.
        rateChange: row?.comparison?.change[2] ?? null,
        revenue: goal.currency ? { amount: revenue ?? 0, currency: goal.currency } : null,
      };
    });
    figures.sort((a, b) => b.visitors - a.visitors || a.name.localeCompare(b.name));
    return { goals: figures };
  } catch (error) {
    if (isRefusedRead(error)) return { unavailable: error.message };
    throw error;
  }
}
