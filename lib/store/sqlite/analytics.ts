// The analytics area on SQLite (lib/store/analytics.ts), over lib/db/: each answer is one or a few
// statements on the connection it is given, a read process's own (lib/reads/child_main.ts) or,
// inline, the app's. The driver's rows have no prototype: answers are copied into plain values
// (structuredClone), as a read process's answer arrives anyway.
import { eventCounts, listEvents } from "../../db/admin_events.ts";
import { listRecentViews, topPaths } from "../../db/admin_views.ts";
import { listVisitors, visitorAggregates } from "../../db/admin_visitors.ts";
import {
  droppedHits,
  excludedByReason,
  excludedVisitors,
  knownBotHitsByDay,
  knownBotTraffic,
  scoredViews,
  suspiciousVisitors,
} from "../../db/bots.ts";
import {
  campaignEventsRows,
  campaignReportRows,
  campaignSummaryRows,
  campaignTotals,
} from "../../db/campaigns.ts";
import { crawlReportRows } from "../../db/crawlers.ts";
import type { Database } from "../../db/database.ts";
import { eventPropertyKeys } from "../../db/event_properties.ts";
import {
  firstViewAt,
  queryAggregates,
  queryBatch,
  queryCohorts,
  queryFunnel,
} from "../../db/query/mod.ts";
import { experimentResultRows } from "../../db/experiments.ts";
import { queryJourney } from "../../db/query/journeys.ts";
import { botExportRows } from "../../db/export.ts";
import { hourActivity } from "../../db/stats_delta.ts";
import {
  activeBreakdown,
  minuteActivity,
  nowCounts,
  recentEvents,
  recentVisitors,
} from "../../db/stats_live.ts";
import { last24hCounts } from "../../db/summary.ts";
import type { SettledRangeCache } from "../../stats/settled_cache.ts";
import type { AnalyticsStore } from "../analytics.ts";
import { overviewPeriod } from "./overview.ts";

/** Runs `read` now and answers a plain copy of its rows (or its error, rejected). */
const plain = <T>(read: () => T): Promise<T> => Promise.try(() => structuredClone(read()));

/** `statsCache`: the overview's settled rollup figures, kept between calls on this connection. */
export function sqliteAnalytics(
  db: Database,
  options: { statsCache?: SettledRangeCache } = {},
): AnalyticsStore {
  return {
    visitors: (filter, order, request) => plain(() => listVisitors(db, filter, order, request)),
    visitorAggregates: (range, limit) => plain(() => visitorAggregates(db, range, limit)),
    recentViews: (filter, request) => plain(() => listRecentViews(db, filter, request)),
    topPaths: (filter, limit) => plain(() => topPaths(db, filter, limit)),
    events: (filter, request) => plain(() => listEvents(db, filter, request)),
    eventCounts: (filter, limit) => plain(() => eventCounts(db, filter, limit)),
    eventPropertyKeys: (query, limit) => plain(() => eventPropertyKeys(db, query, limit)),
    experimentResultRows: (experimentId, counts) =>
      plain(() => experimentResultRows(db, experimentId, counts)),
    campaignTotals: (range, filter) => plain(() => campaignTotals(db, range, filter)),
    campaignSummaryRows: (range, filter) => plain(() => campaignSummaryRows(db, range, filter)),
    campaignReportRows: (campaign, range) => plain(() => campaignReportRows(db, campaign, range)),
    campaignEventsRows: (siteId, range, options) =>
      plain(() => campaignEventsRows(db, siteId, range, options)),
    botReportRows: (range) =>
      plain(() => ({
        scored: scoredViews(db, range),
        knownBots: knownBotTraffic(db, range),
        byDay: knownBotHitsByDay(db, range),
        dropped: droppedHits(db, range),
        excluded: excludedByReason(db, range),
      })),
    suspiciousVisitors: (query) => plain(() => suspiciousVisitors(db, query)),
    excludedVisitors: (limit) => plain(() => excludedVisitors(db, limit)),
    crawlReportRows: (range, limits) => plain(() => crawlReportRows(db, range, limits)),
    botExportRows: (range, suspiciousLimit) =>
      plain(() => botExportRows(db, range, suspiciousLimit)),
    minuteActivity: (window) => plain(() => minuteActivity(db, window)),
    hourActivity: (query) => plain(() => hourActivity(db, query)),
    nowCounts: (window) => plain(() => nowCounts(db, window)),
    recentVisitors: (window) => plain(() => recentVisitors(db, window)),
    recentEvents: (window) => plain(() => recentEvents(db, window)),
    activeBreakdown: (window) => plain(() => activeBreakdown(db, window)),
    overviewPeriod: (query) => plain(() => overviewPeriod(db, query, options.statsCache)),
    firstViewAt: (siteIds) => plain(() => firstViewAt(db, [...siteIds])),
    aggregates: (query, families) => plain(() => queryAggregates(db, query, families)),
    aggregatesBatch: (shared, members) => plain(() => queryBatch(db, shared, members)),
    funnel: (query, spec) => plain(() => queryFunnel(db, query, spec)),
    cohorts: (query) => plain(() => queryCohorts(db, query)),
    journeys: (query) => plain(() => queryJourney(db, query)),
    last24h: (now) => plain(() => last24hCounts(db, now)),
  };
}
