// Which read answers an overview (GET /api/stats/overview, /api/export/overview.csv): the rollups
// and the live delta while nothing narrows it (milliseconds at any size), the query engine
// (lib/stats/engine_overview.ts) for the engine's filters or a bot setting, the raw-row path
// (lib/stats/overview.ts) for the overview's own filters until the engine is as fast there. Moving the unfiltered overview to
// the engine once it is as fast is one line: `engineAnswers` returning true.
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import type { Reader } from "../reads/mod.ts";
import type { OverviewView } from "./engine_overview.ts";
import type { Overview } from "./overview.ts";
import type { OverviewQuery } from "./params.ts";

/**
 * The overview's own filters (`path`, `country`…) on the engine too, not only `filters` and
 * `bots`. Off: the engine's overview is still slower than the raw-row path for them — at 200k
 * views, 30 days (bench/overview_engine_bench.ts, one run): path=/ 0.36 s raw → 0.57 s engine,
 * country=DE 0.13 s → 0.40 s. Of the engine's time, the raw rows' part for LEGACY_FIELDS
 * (lib/stats/engine_overview.ts LEGACY_PART: no sessions, no lists) is 0.19 s and 0.07 s; the
 * batched statement (lib/query/run.ts runAggregatesBatch) alone is 0.39 s and 0.33 s, more than the
 * whole raw path: it resolves every session of the window and joins every view and event of it
 * to its session before the filter narrows them (country=DE: sessions ~0.09 s, views ~0.11 s,
 * events ~0.13 s, the members' sums ~0.06 s), where the raw path resolves only the matching views'
 * sessions.
 */
const OWN_FILTERS_ON_ENGINE = false;

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
