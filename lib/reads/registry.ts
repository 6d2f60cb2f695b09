// Every read heavy enough to matter, by name, with its cost class, so it can run in a read
// process (lib/reads/pool.ts) or inline with the same code and the same answer. Each takes a
// ReadContext first and structured-cloneable arguments, and returns (or resolves to) a
// structured-cloneable result. Each makes its answer from the rows of the store's analytics area
// (lib/store/analytics.ts), which the engine runs where the read runs (SQLite: on the read
// process's own connection).
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
import { crawlerReport, REPORT_LIMITS } from "../crawlers/report.ts";
import { botsSections, MAX_SUSPICIOUS_ROWS } from "../export/bots.ts";
import { experimentResults, resultsQuery } from "../experiments/results.ts";
import type { Experiment } from "../experiments/model.ts";
import { liveDashboard, type LiveOptions, realtimeStats } from "../stats/live.ts";
import { filteredLive, filteredRealtime } from "../stats/live_filtered.ts";
import { engineOverview, type OverviewView } from "../stats/engine_overview.ts";
import { type StatsContext, statsOverview } from "../stats/overview.ts";
import type { OverviewQuery } from "../stats/params.ts";
import type { BotMode, Query } from "../query/model.ts";
import type { AnalyticsStore } from "../store/analytics.ts";
import type { ReportRange } from "../store/bots.ts";
import type { CampaignFilter, CampaignRecord } from "../store/campaigns.ts";
import type { CrawlRange } from "../store/crawlers.ts";
import type { BotExportRange } from "../store/exports.ts";
import { runQuery } from "../query/run.ts";
import { type FunnelSpec, runFunnel } from "../query/funnels.ts";
import { runCohorts } from "../query/cohorts.ts";
import { type Journey, runJourney } from "../query/journeys.ts";

/** What a read needs: the analytics area, the caller's clock and the retention period. */
export type ReadContext = StatsContext;

export type ReadCost = "light" | "heavy";

interface ReadSpec<A extends unknown[], R> {
  run: (ctx: ReadContext, ...args: A) => R;
  cost: ReadCost | ((...args: A) => ReadCost);
}

const read = <A extends unknown[], R>(
  cost: ReadSpec<A, R>["cost"],
  run: (ctx: ReadContext, ...args: A) => R,
): ReadSpec<A, R> => ({ run, cost });

/** A read whose answer is the analytics area's `method`, as it answers. */
const rows = <K extends keyof AnalyticsStore>(
  cost: ReadCost,
  method: K,
): ReadSpec<Parameters<AnalyticsStore[K]>, ReturnType<AnalyticsStore[K]>> =>
  read(
    cost,
    (ctx, ...args) =>
      (ctx.analytics[method] as (...a: unknown[]) => ReturnType<AnalyticsStore[K]>)(...args),
  );

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
  /** POST /api/v2/funnel: a funnel over the query's rows (lib/query/funnels.ts). */
  funnel: read("heavy", (ctx, q: Query, spec: FunnelSpec) => runFunnel(ctx, q, spec)),
  /** POST /api/v2/retention: weekly cohorts over the query's views (lib/query/cohorts.ts). */
  cohorts: read("heavy", (ctx, q: Query) => runCohorts(ctx, q)),
  /** POST /api/v2/journeys and the journeys page: the pages visits go on to around one page. */
  journeys: read("heavy", (ctx, j: Journey) => runJourney(ctx, j)),
  realtime: read("light", (ctx, siteId: string) => realtimeStats(ctx, siteId)),
  visitors: rows("heavy", "visitors"),
  visitorAggregates: rows("heavy", "visitorAggregates"),
  experimentResults: read(
    "heavy",
    async (ctx, experiment: Experiment, now: number, bots: BotMode = "hide") =>
      experimentResults(
        experiment,
        now,
        await ctx.analytics.experimentResultRows(
          experiment.experiment_id,
          resultsQuery(experiment, now, bots),
        ),
        bots,
      ),
  ),
  campaignSummaries: read(
    "heavy",
    async (ctx, range: CampaignRange, filter: CampaignFilter = {}) =>
      campaignSummaries(await ctx.analytics.campaignSummaryRows(range, filter)),
  ),
  campaignReport: read(
    "heavy",
    async (ctx, campaign: CampaignRecord, range: CampaignRange) =>
      campaignReport(campaign, range, await ctx.analytics.campaignReportRows(campaign, range)),
  ),
  campaignEventsReport: read(
    "heavy",
    async (
      ctx,
      siteId: string,
      range: CampaignRange,
      options: { eventType?: string | null } = {},
    ) => campaignEventsReport(await ctx.analytics.campaignEventsRows(siteId, range, options)),
  ),
  campaignSummary: read(
    "heavy",
    async (ctx, campaign: CampaignRecord, range: CampaignRange) =>
      campaignSummary(
        campaign,
        await ctx.analytics.campaignTotals(range, { siteId: campaign.site_id }),
      ),
  ),
  recentViews: rows("heavy", "recentViews"),
  topPaths: rows("heavy", "topPaths"),
  events: rows("heavy", "events"),
  eventCounts: rows("heavy", "eventCounts"),
  /** The property keys of one event name's stored events (the events page's breakdown). */
  eventPropertyKeys: rows("heavy", "eventPropertyKeys"),
  /** What the bot defence did in a period (GET /api/bots/report, /admin/bots). */
  botReport: read("heavy", (ctx, range: ReportRange) => ctx.analytics.botReportRows(range)),
  /** Server-side crawler hits next to the AI referrals of the same pages (/api/bots/crawlers). */
  crawlerReport: read(
    "heavy",
    async (ctx, range: CrawlRange) =>
      crawlerReport(await ctx.analytics.crawlReportRows(range, REPORT_LIMITS)),
  ),
  suspiciousVisitors: rows("heavy", "suspiciousVisitors"),
  excludedVisitors: rows("heavy", "excludedVisitors"),
  /** The bots CSV's sections with their rows read (`withVisitors`: the suspicious visitors too). */
  botsCsvSections: read(
    "heavy",
    async (ctx, range: BotExportRange, generatedAt: string, withVisitors: boolean) =>
      botsSections(
        await ctx.analytics.botExportRows(range, withVisitors ? MAX_SUSPICIOUS_ROWS : null),
        range,
        generatedAt,
      ).map((section) => ({ ...section, rows: [...section.rows] })),
  ),
  /** The last 24 hours over every site: raw rows, but a range no caller can widen. */
  last24h: rows("light", "last24h"),
};

export type Reads = typeof READS;
export type ReadName = keyof Reads;
export type ReadArgs<N extends ReadName> = Reads[N] extends ReadSpec<infer A, unknown> ? A
  : never;
export type ReadResult<N extends ReadName> = Awaited<ReturnType<Reads[N]["run"]>>;

export function isReadName(name: unknown): name is ReadName {
  return typeof name === "string" && Object.hasOwn(READS, name);
}

/** Runs the read `name` in `ctx`. */
export function runRead<N extends ReadName>(
  ctx: ReadContext,
  name: N,
  args: ReadArgs<N>,
): Promise<ReadResult<N>> {
  const spec = READS[name] as ReadSpec<unknown[], ReadResult<N> | Promise<ReadResult<N>>>;
  return Promise.try(() => spec.run(ctx, ...args));
}

/** The cost class of one call of `name`. */
export function readCost<N extends ReadName>(name: N, args: ReadArgs<N>): ReadCost {
  const { cost } = READS[name] as ReadSpec<unknown[], unknown>;
  return typeof cost === "function" ? cost(...args) : cost;
}
