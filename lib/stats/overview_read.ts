// Which read answers an overview (GET /api/stats/overview, /api/export/overview.csv): the rollups
// and the live delta while nothing narrows it (milliseconds at any size), the query engine
// (lib/stats/engine_overview.ts) for any filter or bot setting. Moving the unfiltered overview to
// the engine once it is as fast is one line: `engineAnswers` returning true.
import { BOT_SCORE_THRESHOLD } from "../db/columns.ts";
import type { Reader } from "../reads/mod.ts";
import type { OverviewView } from "./engine_overview.ts";
import type { Overview } from "./overview.ts";
import type { OverviewQuery } from "./params.ts";

/**
 * The overview's own filters (`path`, `country`…) on the engine too, not only `filters` and
 * `bots`. Measured at 200k views (30 days, before the engine's per-day aggregates): path=/ 5.4 →
 * 16.0 s, country=DE 0.4 → 13.3 s; false puts them back on the raw-row path.
 */
const OWN_FILTERS_ON_ENGINE = true;

/** Whether the engine computes this overview: a filter (the overview's or the engine's) or a bot
 * setting other than the default. */
export function engineAnswers(q: OverviewQuery, view: OverviewView): boolean {
  const own = Object.values(q.filters).some((value) => value !== undefined);
  return (OWN_FILTERS_ON_ENGINE && own) || view.filter !== null || view.bots.mode !== "hide" ||
    view.bots.threshold !== BOT_SCORE_THRESHOLD;
}

/** The overview of `q` under `view`, read through `reads` (budgeted, cancellable). */
export function readOverview(
  reads: Reader,
  q: OverviewQuery,
  view: OverviewView,
): Promise<Overview> {
  return engineAnswers(q, view) ? reads.run("engineOverview", q, view) : reads.run("overview", q);
}
