// Retention cohorts (issue 17): the visitors of a range grouped by the week of their first view in
// it (in the query's zone; weeks start on Monday), and how many of each cohort came back in each
// later week — over the rows a query keeps (its filters, bot setting, range). Counted per visitor
// id, so it measures returns only where ids last: cookie mode (the `_ev` cookie, after consent)
// and visitors identified through the batch API. Cookieless ids rotate daily, so there a visitor of
// Monday and of Tuesday are two ids and every cohort's later weeks are empty: the answer says how
// many visitors were seen on more than one day (none means cross-day retention is not measurable
// here), and what is measurable instead — visitors who came back the same day (two or more visits
// on one day).
//
// The store counts (lib/store/analytics.ts `cohorts`; on SQLite lib/db/query/cohorts.ts over the
// compiler's matched rows); this file shapes them.
import { z } from "zod";
import { withCode } from "../api/fields.ts";
import { type Query, QUERY_BODY, type QueryBody } from "./model.ts";
import { echo, type QueryContext, request, resolveRange, timeLabels } from "./run.ts";

/** What the store counts for a range's cohorts. */
export interface CohortCounts {
  /** Visitors by first week (cohort, a Monday) and week seen (a Monday). */
  cells: { cohort: string; week: string; visitors: number }[];
  /** Visitors seen on two or more days of the range (zero: ids do not last across days). */
  multiDayVisitors: number;
  /** Visitor-days, and those with two or more visits (came back the same day). */
  visitorDays: number;
  sameDayReturns: number;
}

export interface Cohort {
  /** The Monday of the cohort's first week. */
  cohort: string;
  visitors: number;
  /** Visitors of the cohort seen in its first week, the next one, … up to the range's last. */
  weeks: number[];
  /** The same in percent of the cohort. */
  rates: number[];
}

export interface CohortResult {
  cohorts: Cohort[];
  /** False when no visitor was seen on two days: the ids rotate daily (cookieless mode). */
  measurable: boolean;
  multi_day_visitors: number;
  same_day: { visitor_days: number; returned: number; rate: number };
  query: Record<string, unknown>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The weekly cohorts of the range's visitors, as a triangle (later cohorts have fewer weeks). */
export async function runCohorts(ctx: QueryContext, q: Query): Promise<CohortResult> {
  const range = await resolveRange(ctx, q);
  const counts = await ctx.analytics.cohorts(request(q, range, []));
  const weeks = timeLabels(q.timeZone, range, "week");
  const byCell = new Map(counts.cells.map((c) => [`${c.cohort}|${c.week}`, c.visitors]));
  const cohorts = weeks.map((cohort, i): Cohort => {
    const seen = weeks.slice(i).map((week) => byCell.get(`${cohort}|${week}`) ?? 0);
    const size = seen[0];
    return {
      cohort,
      visitors: size,
      weeks: seen,
      rates: seen.map((n) => (size ? round1((n * 100) / size) : 0)),
    };
  }).filter((c) => c.visitors > 0);
  return {
    cohorts,
    measurable: counts.multiDayVisitors > 0,
    multi_day_visitors: counts.multiDayVisitors,
    same_day: {
      visitor_days: counts.visitorDays,
      returned: counts.sameDayReturns,
      rate: counts.visitorDays ? round1((counts.sameDayReturns * 100) / counts.visitorDays) : 0,
    },
    query: echo(q, range),
  };
}

/** The body of POST /api/v2/retention: the query API's site, range, filters, zone and bots. */
export const COHORTS_BODY = withCode(
  z.object({
    site_id: QUERY_BODY.shape.site_id,
    date_range: QUERY_BODY.shape.date_range,
    filters: QUERY_BODY.shape.filters,
    timezone: QUERY_BODY.shape.timezone,
    bots: QUERY_BODY.shape.bots,
    bot_threshold: QUERY_BODY.shape.bot_threshold,
  }).strict(),
  "invalid_query",
);

/** The query body whose views the cohorts count. */
export function cohortsQueryBody(body: z.output<typeof COHORTS_BODY>): QueryBody {
  return { ...body, metrics: ["visitors"] };
}
