// Every read heavy enough to matter, by name, with its cost class, so it can run in a read
// process (lib/reads/pool.ts) or inline with the same code and the same answer. Each takes a
// ReadContext first and structured-cloneable arguments, and returns a structured-cloneable result.
//
// Cost: "light" reads answer from rollups or a few indexed rows (milliseconds at any size);
// "heavy" reads scan raw rows, so their time grows with the data in the range. The scheduler
// (lib/reads/scheduler.ts) keeps a process free of heavy reads and rate-limits anonymous heavy
// reads; a read whose cost depends on its arguments says so with a function.
import {
  campaignEventsReport,
  campaignReport,
  campaignSummaries,
  campaignSummary,
  type ReportRange as CampaignRange,
} from "../campaigns/report.ts";
import {
  campaignEventsRows,
  campaignReportRows,
  campaignSummaryRows,
  campaignTotals,
} from "../db/campaigns.ts";
import { eventCounts, listEvents } from "../db/admin_events.ts";
import { eventPropertyKeys } from "../db/event_properties.ts";
import { listRecentViews, topPaths } from "../db/admin_views.ts";
import { listVisitors, visitorAggregates } from "../db/admin_visitors.ts";
import {
  droppedHits,
  excludedByReason,
  excludedVisitors,
  knownBotHitsByDay,
  knownBotTraffic,
  scoredViews,
  suspiciousVisitors,
} from "../db/bots.ts";
import { crawlReportRows } from "../db/crawlers.ts";
import { experimentResultRows } from "../db/experiments.ts";
import { botExportRows } from "../db/export.ts";
import { crawlerReport, REPORT_LIMITS } from "../crawlers/report.ts";
import { last24hCounts } from "../db/summary.ts";
import { botsSections, MAX_SUSPICIOUS_ROWS } from "../export/bots.ts";
import { experimentResults, resultsQuery } from "../experiments/results.ts";
import type { Experiment } from "../experiments/model.ts";
import { liveDashboard, type LiveOptions, realtimeStats } from "../stats/live.ts";
import { filteredLive, filteredRealtime } from "../stats/live_filtered.ts";
import { engineOverview, type OverviewView } from "../stats/engine_overview.ts";
import { type StatsContext, statsOverview } from "../stats/overview.ts";
import type { OverviewQuery } from "../stats/params.ts";
import type { Query } from "../query/model.ts";
import type { ReportRange } from "../store/bots.ts";
import type { CampaignFilter, CampaignRecord } from "../store/campaigns.ts";
import type { CrawlRange } from "../store/crawlers.ts";
import type { BotExportRange } from "../store/exports.ts";
import { runQuery } from "../query/run.ts";

/** What a read needs: a connection, the caller's clock and the retention period. */
export type ReadContext = StatsContext;

export type ReadCost = "light" | "heavy";

interface ReadSpec<A extends unknown[], R> {
  run: (ctx: ReadContext, ...args: A) => R;
  cost: ReadCost | ((...args: A) => ReadCost);
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

const read = <A extends unknown[], R>(
  cost: ReadSpec<A, R>["cost"],
  run: (ctx: ReadContext, ...args: A) => R,
): ReadSpec<A, R> => ({ run, cost });

/** A read of lib/db/ that only needs the connection. */
const onDb = <F extends (db: ReadContext["db"], ...args: never[]) => unknown>(
  cost: ReadCost,
  fn: F,
): ReadSpec<Tail<Parameters<F>>, ReturnType<F>> =>
  read(cost, (ctx, ...args) => fn(ctx.db, ...(args as never[])) as ReturnType<F>);

/** Without a filter the overview comes from rollups; any filter reads raw rows. */
const overviewCost = (q: OverviewQuery): ReadCost =>
  Object.values(q.filters ?? {}).some((v) => v !== undefined && v !== "") ? "heavy" : "light";

export const READS = {
  overview: read(overviewCost, (ctx, q: OverviewQuery) => statsOverview(ctx, q)),
  /** The overview computed by the query engine over raw rows, under an engine filter and bot
   * setting (lib/stats/engine_overview.ts). */
  engineOverview: read(
    "heavy",
    (ctx, q: OverviewQuery, view: OverviewView, timeZone?: string) =>
      engineOverview(ctx, q, view, timeZone),
  ),
  liveDashboard: read(
    "light",
    (ctx, siteId: string, options: LiveOptions = {}) => liveDashboard(ctx, siteId, options),
  ),
  /** The live panel under the dashboard's filters (lib/admin/live_panel.ts): the engine over the
   * hour's raw rows. */
  filteredLive: read(
    "heavy",
    (ctx, siteId: string, view: OverviewView) => filteredLive(ctx, siteId, view),
  ),
  /** The realtime page under the dashboard's filters: the above and the active window's lists. */
  filteredRealtime: read(
    "heavy",
    (ctx, siteId: string, view: OverviewView) => filteredRealtime(ctx, siteId, view),
  ),
  /** POST /api/v2/query: the query engine over raw rows (issue 16, first step). */
  query: read("heavy", (ctx, q: Query) => runQuery(ctx, q)),
  realtime: read("light", (ctx, siteId: string) => realtimeStats(ctx, siteId)),
  visitors: onDb("heavy", listVisitors),
  visitorAggregates: onDb("heavy", visitorAggregates),
  experimentResults: read("heavy", (ctx, experiment: Experiment, now: number) =>
    experimentResults(
      experiment,
      now,
      experimentResultRows(ctx.db, experiment.experiment_id, resultsQuery(experiment, now)),
    )),
  campaignSummaries: read(
    "heavy",
    (ctx, range: CampaignRange, filter: CampaignFilter = {}) =>
      campaignSummaries(campaignSummaryRows(ctx.db, range, filter)),
  ),
  campaignReport: read(
    "heavy",
    (ctx, campaign: CampaignRecord, range: CampaignRange) =>
      campaignReport(campaign, range, campaignReportRows(ctx.db, campaign, range)),
  ),
  campaignEventsReport: read(
    "heavy",
    (ctx, siteId: string, range: CampaignRange, options: { eventType?: string | null } = {}) =>
      campaignEventsReport(campaignEventsRows(ctx.db, siteId, range, options)),
  ),
  campaignSummary: read(
    "heavy",
    (ctx, campaign: CampaignRecord, range: CampaignRange) =>
      campaignSummary(campaign, campaignTotals(ctx.db, range, { siteId: campaign.site_id })),
  ),
  recentViews: onDb("heavy", listRecentViews),
  topPaths: onDb("heavy", topPaths),
  events: onDb("heavy", listEvents),
  eventCounts: onDb("heavy", eventCounts),
  /** The property keys of one event name's stored events (the events page's breakdown). */
  eventPropertyKeys: onDb("heavy", eventPropertyKeys),
  /** What the bot defence did in a period (GET /api/bots/report, /admin/bots). */
  botReport: read("heavy", (ctx, range: ReportRange) => ({
    scored: scoredViews(ctx.db, range),
    knownBots: knownBotTraffic(ctx.db, range),
    byDay: knownBotHitsByDay(ctx.db, range),
    dropped: droppedHits(ctx.db, range),
    excluded: excludedByReason(ctx.db, range),
  })),
  /** Server-side crawler hits next to the AI referrals of the same pages (/api/bots/crawlers). */
  crawlerReport: read(
    "heavy",
    (ctx, range: CrawlRange) => crawlerReport(crawlReportRows(ctx.db, range, REPORT_LIMITS)),
  ),
  suspiciousVisitors: onDb("heavy", suspiciousVisitors),
  excludedVisitors: onDb("heavy", excludedVisitors),
  /** The bots CSV's sections with their rows read (`withVisitors`: the suspicious visitors too). */
  botsCsvSections: read(
    "heavy",
    (ctx, range: BotExportRange, generatedAt: string, withVisitors: boolean) =>
      botsSections(
        botExportRows(ctx.db, range, withVisitors ? MAX_SUSPICIOUS_ROWS : null),
        range,
        generatedAt,
      ).map((section) => ({ ...section, rows: [...section.rows] })),
  ),
  /** The last 24 hours over every site: raw rows, but a range no caller can widen. */
  last24h: onDb("light", last24hCounts),
};

export type Reads = typeof READS;
export type ReadName = keyof Reads;
export type ReadArgs<N extends ReadName> = Reads[N] extends ReadSpec<infer A, unknown> ? A
  : never;
export type ReadResult<N extends ReadName> = ReturnType<Reads[N]["run"]>;

export function isReadName(name: unknown): name is ReadName {
  return typeof name === "string" && Object.hasOwn(READS, name);
}

/** Runs the read `name` in `ctx`. */
export function runRead<N extends ReadName>(
  ctx: ReadContext,
  name: N,
  args: ReadArgs<N>,
): ReadResult<N> {
  const spec = READS[name] as ReadSpec<unknown[], ReadResult<N>>;
  return spec.run(ctx, ...args);
}

/** The cost class of one call of `name`. */
export function readCost<N extends ReadName>(name: N, args: ReadArgs<N>): ReadCost {
  const { cost } = READS[name] as ReadSpec<unknown[], unknown>;
  return typeof cost === "function" ? cost(...args) : cost;
}
