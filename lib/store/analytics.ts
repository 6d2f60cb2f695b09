// The analytics area of the store (lib/store/types.ts): the rows the analytics reads are made
// from (lib/reads/registry.ts), asked in domain terms (filters, ranges, keyset pages) and answered
// as plain rows. An engine runs it where its reads run: SQLite in the read processes, each on its
// own connection (lib/reads/child_main.ts), or inline on the app's (lib/reads/mod.ts). The reads
// shape these rows into their answers (reports, lists, CSV sections) the same way for every
// engine: the overview (lib/stats/overview.ts) from `overviewPeriod`'s figures, the query engine's
// runner (lib/query/run.ts) and the engine's overview (lib/stats/engine_overview.ts) from
// `aggregates` / `aggregatesBatch`.
import type {
  ExcludedVisitor,
  GroupCount,
  KnownBotTraffic,
  ReasonCount,
  ReportRange,
  ScoredViews,
  SuspiciousQuery,
  SuspiciousVisitor,
} from "./bots.ts";
import type {
  CampaignEventsRows,
  CampaignFilter,
  CampaignRecord,
  CampaignReportRows,
  CampaignSummaryRows,
  TimeRange,
  TrafficTotals,
} from "./campaigns.ts";
import type { CrawlRange, CrawlReportRows } from "./crawlers.ts";
import type { CountsQuery, ExperimentResultRows } from "./experiments.ts";
import type { BotExportRange, BotExportRows } from "./exports.ts";
import type {
  EventCount,
  EventFilter,
  EventListRow,
  PathCount,
  ViewFilter,
  ViewListRow,
  VisitorAggregates,
  VisitorFilter,
  VisitorListRow,
  VisitorSort,
} from "./lists.ts";
import type { KeysetPage, PageRequest } from "./pages.ts";
import type { Family } from "../query/metrics.ts";
import type { FunnelEntity, FunnelSpec } from "../query/funnels.ts";
import type { CohortCounts } from "../query/cohorts.ts";
import type { DayTotals, DimensionRow, StatsFilters } from "../stats/terms.ts";
import type { BotMode, Filter } from "../query/model.ts";
import type { OffsetSpan } from "../query/time_zone.ts";

/** One event name's stored events whose property keys are asked for. */
export interface PropertyKeysQuery {
  site: string;
  /** The engine's event name (lib/query/dimensions.ts `event:name`). */
  eventName: string;
  /** [since, until) as ISO instants. */
  since: string;
  until: string;
}

/** Page views of the last 24 hours over every site, and their distinct human visitors (GET
 * /api/stats/summary). */
export interface Last24h {
  total_views: number;
  human_views: number;
  bot_views: number;
  unique_visitors: number;
}

/** What the bot defence did in a period (GET /api/bots/report, /admin/bots). */
export interface BotReportRows {
  scored: ScoredViews;
  knownBots: KnownBotTraffic[];
  /** Known-bot hits per UTC day. */
  byDay: { date: string; hits: number }[];
  /** Hits dropped before storage, per reason and endpoint. */
  dropped: { reason: string; endpoint: string; hits: number }[];
  /** Views, visitors and events at or above the threshold, by stored reason and signal group. */
  excluded: { reasons: ReasonCount[]; groups: GroupCount[] };
}

// ---------------------------------------------------------------------------------------------
// The live dashboard and the realtime panel

/** One site's rows in [since, until] (ISO instants, both included). */
export interface SiteWindow {
  siteId: string;
  since: string;
  until: string;
}

export interface MinuteRow {
  minute: string;
  views: number;
  visitors: number;
  events: number;
}

/** One UTC hour (`YYYY-MM-DDTHH`): views, distinct visitors of that hour and events. */
export interface HourRow {
  hour: string;
  views: number;
  visitors: number;
  events: number;
}

export interface NowCounts {
  active_visitors: number;
  estimated_bots: number;
  pageviews: number;
}

export interface RecentVisitor {
  visitor_id: string;
  last_seen: string;
  first_seen: string;
  views: number;
  path: string;
  country_code: string | null;
  device_type: string | null;
  os_name: string | null;
  browser_name: string | null;
  referrer_domain: string | null;
}

export interface RecentEvent {
  id: number;
  event_type: string;
  event_name: string | null;
  path: string | null;
  visitor_id: string | null;
  session_id: string | null;
  device_type: string | null;
  data: string | null;
  created_at: string;
}

export type ActiveDimension = "path" | "referrer" | "country";

export interface ActiveRow {
  value: string;
  views: number;
  visitors: number;
}

// ---------------------------------------------------------------------------------------------
// The query engine's aggregates (lib/query/): what each family of metrics sums, per combination
// of dimension values, over the stored rows of a time range under a filter and bot setting

export interface AggregateQuery {
  siteIds: string[];
  /** UTC instants, [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** The zone's offsets over the range (time buckets). */
  spans: readonly OffsetSpan[];
  dimensions: string[];
  filter: Filter | null;
  bots: { mode: BotMode; threshold: number };
}

/** One group of a family: the dimensions' values and the family's aggregates. */
export interface AggregateGroup {
  dimensions: string[];
  values: Record<string, number>;
}

/** One query of a batch: the batch's sites, range, zone and bots, its own dimensions and filter. */
export interface AggregateMember {
  dimensions: string[];
  filter: Filter | null;
  families: readonly Family[];
}

// ---------------------------------------------------------------------------------------------
// Journeys (lib/query/journeys.ts): the pages visits go on to (or came from) around one page

/** The visits of a range under a filter and bot setting (as the `visits` metric counts them) that
 * reach `page`, followed `depth` pages on (or back) from it. */
export interface JourneyQuery extends Omit<AggregateQuery, "dimensions"> {
  /** The anchor: an exact path. */
  page: string;
  /** next: the pages after the anchor; previous: the pages before it. */
  direction: "next" | "previous";
  /** any: the visit's first view of the anchor (next) or last (previous); entry: only visits
   * entering on it (next) or leaving from it (previous). */
  mode: "entry" | "any";
  /** Steps from the anchor, 1-5. */
  depth: number;
  /** Pages kept per step, the rest grouped as `other`, 1-10. */
  width: number;
}

/** A step's page, its other pages grouped, or the visit ended (exit: next; entry: previous). */
export type JourneyNodeKind = "page" | "other" | "end";

export interface JourneyNode {
  /** 0 is the anchor. */
  step: number;
  kind: JourneyNodeKind;
  /** The path for `page`, else null. */
  page: string | null;
  visits: number;
}

export interface JourneyLink {
  /** The step of `from`; `to` is at step + 1. */
  step: number;
  from: { kind: JourneyNodeKind; page: string | null };
  to: { kind: JourneyNodeKind; page: string | null };
  visits: number;
}

export interface JourneyRows {
  nodes: JourneyNode[];
  links: JourneyLink[];
}

// ---------------------------------------------------------------------------------------------
// The overview (lib/stats/overview.ts): one site's figures over a range of UTC days

/** What a filtered period computes from raw rows: these dimensions' rows, with or without the
 * sessions (entries, exits, bounces); the others are left empty. */
export interface OverviewPart {
  dimensions: readonly string[];
  sessions: boolean;
}

/** One dimension's rows asked of a period: at most `limit` (null: all), most views first. */
export interface OverviewDimensionAsk {
  dimension: string;
  limit: number | null;
}

/** One period of one site's overview. Without filters the figures come from what is kept for
 * every day (fresh to the last write); with any, from the raw rows from `rawFrom` on. */
export interface OverviewPeriodQuery {
  siteId: string;
  /** UTC days, both included. */
  from: string;
  to: string;
  filters: StatsFilters;
  /** Today's UTC day by the caller's clock (today's rows are read live). */
  today: string;
  /** The first UTC day whose raw rows are all still stored (retention). */
  rawFrom: string;
  dimensions: readonly OverviewDimensionAsk[];
  /** Filtered periods: only these figures (absent: all). */
  part?: OverviewPart;
}

export interface OverviewPeriodRows {
  /** The days that have figures (others count nothing), in no particular order. */
  days: DayTotals[];
  /** Each asked dimension's rows, in the order asked. */
  dimensions: DimensionRow[][];
  /** rollup: the kept figures and a live part of today; raw: the filtered raw rows. */
  source: { kind: "rollup"; today_built_at?: string | null } | { kind: "raw"; raw_from: string };
}

export interface AnalyticsStore {
  // The admin's raw lists (lib/store/lists.ts)
  /** One keyset page of visitors (a row per visitor and site) in `order`. */
  visitors(
    filter: VisitorFilter,
    order: { sort: VisitorSort; descending: boolean },
    request: PageRequest,
  ): Promise<KeysetPage<VisitorListRow>>;
  /** Public mode's figures instead of visitor rows: totals and the top `limit` of each list. */
  visitorAggregates(
    range: { site: string | null; since: string; until: string },
    limit?: number,
  ): Promise<VisitorAggregates>;
  /** One keyset page of stored page views, newest first. */
  recentViews(filter: ViewFilter, request: PageRequest): Promise<KeysetPage<ViewListRow>>;
  /** The `limit` most viewed paths (human views). */
  topPaths(
    filter: Pick<ViewFilter, "site" | "since" | "until" | "pathContains">,
    limit?: number,
  ): Promise<PathCount[]>;
  /** One keyset page of stored events, newest first. */
  events(filter: EventFilter, request: PageRequest): Promise<KeysetPage<EventListRow>>;
  /** Events by type and name, most first, at most `limit`. */
  eventCounts(filter: Omit<EventFilter, "name">, limit?: number): Promise<EventCount[]>;
  /** The keys of one event name's stored `data` objects, most used first, at most `limit`. */
  eventPropertyKeys(
    query: PropertyKeysQuery,
    limit?: number,
  ): Promise<{ key: string; events: number }[]>;

  // Experiments and campaigns (their reports are made from these rows)
  /** An experiment's pauses and its counts per variant (`counts`: null, neither is read). */
  experimentResultRows(
    experimentId: string,
    counts: CountsQuery | null,
  ): Promise<ExperimentResultRows>;
  /** Views, visitors, sessions and bounces per registered campaign (by id) in `range`. */
  campaignTotals(range: TimeRange, filter?: CampaignFilter): Promise<Map<string, TrafficTotals>>;
  campaignSummaryRows(range: TimeRange, filter: CampaignFilter): Promise<CampaignSummaryRows>;
  campaignReportRows(campaign: CampaignRecord, range: TimeRange): Promise<CampaignReportRows>;
  campaignEventsRows(
    siteId: string,
    range: TimeRange,
    options: { eventType?: string | null },
  ): Promise<CampaignEventsRows>;

  // Bots and crawlers
  botReportRows(range: ReportRange): Promise<BotReportRows>;
  /** The most suspicious visitors, highest score first. */
  suspiciousVisitors(query: SuspiciousQuery): Promise<SuspiciousVisitor[]>;
  /** The `limit` most recent exclusions (lib/store/bots.ts `excluded`, asked by a read). */
  excludedVisitors(limit: number): Promise<ExcludedVisitor[]>;
  /** Crawler hits next to the AI referrals of the same pages, within `limits`. */
  crawlReportRows(
    range: CrawlRange,
    limits: { pages: number; referrals: number },
  ): Promise<CrawlReportRows>;
  /** The bots CSV's rows (`suspiciousLimit`: null, no suspicious visitors). */
  botExportRows(range: BotExportRange, suspiciousLimit: number | null): Promise<BotExportRows>;

  // The live dashboard and the realtime panel (clean rows only)
  /** Views, visitors and events per minute (`YYYY-MM-DDTHH:MM`), minutes without any left out. */
  minuteActivity(window: SiteWindow): Promise<MinuteRow[]>;
  /** Per UTC hour in [fromHour, toHour] (`YYYY-MM-DDTHH`), fresh to the last write (hours
   * without any left out), oldest first. */
  hourActivity(query: { siteId: string; fromHour: string; toHour: string }): Promise<HourRow[]>;
  /** Distinct visitors, distinct bot-scored visitors and views in the window. */
  nowCounts(window: SiteWindow): Promise<NowCounts>;
  /** The most recently active visitors of the window with their last page, at most `limit`. */
  recentVisitors(window: SiteWindow & { limit: number }): Promise<RecentVisitor[]>;
  /** The window's latest events, newest first, at most `limit` (`data` as stored text). */
  recentEvents(window: SiteWindow & { limit: number }): Promise<RecentEvent[]>;
  /** The window's views and visitors by page, referrer domain or country, at most `limit`. */
  activeBreakdown(
    window: SiteWindow & { by: ActiveDimension; limit: number },
  ): Promise<ActiveRow[]>;

  // The overview
  /** One period's daily figures and dimension rows (lib/stats/overview.ts shapes them). */
  overviewPeriod(query: OverviewPeriodQuery): Promise<OverviewPeriodRows>;

  // The query engine
  /** The first stored page view's instant (ISO) over `siteIds`; null without any. */
  firstViewAt(siteIds: readonly string[]): Promise<string | null>;
  /** Each of `families`' groups for `query` (an empty list for a family without rows). */
  aggregates(
    query: AggregateQuery,
    families: readonly Family[],
  ): Promise<Map<Family, AggregateGroup[]>>;
  /** `aggregates` of each member of a batch sharing `shared`'s sites, range, zone and bots. */
  aggregatesBatch(
    shared: AggregateQuery,
    members: readonly AggregateMember[],
  ): Promise<Map<Family, AggregateGroup[]>[]>;
  /** The nodes and links of a journey (lib/query/journeys.ts shapes them). */
  journeys(query: JourneyQuery): Promise<JourneyRows>;

  /** The entities that reached a funnel's first step (lib/query/funnels.ts) among the rows of
   * `query` (its one dimension, if any, is the breakdown). */
  funnel(query: AggregateQuery, spec: FunnelSpec): Promise<FunnelEntity[]>;
  /** The weekly retention cohorts' counts among the kept views of `query` (lib/query/cohorts.ts). */
  cohorts(query: AggregateQuery): Promise<CohortCounts>;

  /** The last 24 hours before `now` (ms) over every site. */
  last24h(now: number): Promise<Last24h>;
}
