// The dashboard's live panel under its filters (issue 16 item 6, lib/admin/live_panel.ts): visitors and
// page views of the active window, the likely bots among them, and page views per minute of the
// last hour, counted by the query engine's aggregates (lib/store/analytics.ts) over the raw rows
// matching the filter, each view with its session (entry page, source…) as a filtered dashboard
// counts it. The realtime page adds the active window's pages, referrers and countries.
import { dimensionFor } from "../query/dimensions.ts";
import type { AggregateGroup, AggregateQuery } from "../store/analytics.ts";
import type { OverviewView } from "./engine_overview.ts";
import { ACTIVE_WINDOW_MINUTES, type LiveContext } from "./live.ts";

const MINUTE_MS = 60_000;

export interface FilteredLive {
  site_id: string;
  generated_at: string;
  window_minutes: number;
  /** Visitors and page views of the active window that the filter and bot setting keep. */
  active_visitors: number;
  pageviews: number;
  /** Visitors of the window's views at or above the bot threshold that the filter keeps. */
  estimated_bots: number;
  /** The last 60 minutes, oldest first, the current minute last. */
  minutes: { t: string; views: number; visitors: number }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The live panel's figures of one site at `ctx.now()` under `view`'s filter and bot setting. */
export async function filteredLive(
  ctx: LiveContext,
  siteId: string,
  view: OverviewView,
): Promise<FilteredLive> {
  return (await liveFigures(ctx, siteId, view, [])).live;
}

/** The realtime page's lists of the active window, as GET /api/stats/realtime names them. */
export interface FilteredRealtime extends FilteredLive {
  active_paths: { path: string; views: number; visitors: number }[];
  referrers: { referrer_domain: string; views: number; visitors: number }[];
  countries: { country_code: string; views: number; visitors: number }[];
}

/** Rows per realtime list (as GET /api/stats/realtime). */
const REALTIME_ROWS = 10;
const REALTIME_LISTS = ["event:page", "visit:referrer_domain", "visit:country"] as const;

interface ListRow {
  value: string;
  views: number;
  visitors: number;
}

/**
 * The realtime page's figures under `view`: the live panel's, and the active window's top pages,
 * referrers and countries (in the same statement as the window's visitors), most visitors first,
 * rows without a value left out.
 */
export async function filteredRealtime(
  ctx: LiveContext,
  siteId: string,
  view: OverviewView,
): Promise<FilteredRealtime> {
  const { live, lists } = await liveFigures(ctx, siteId, view, REALTIME_LISTS);
  const [paths, referrers, countries] = lists;
  return {
    ...live,
    active_paths: paths.map(({ value, ...n }) => ({ path: value, ...n })),
    referrers: referrers.map(({ value, ...n }) => ({ referrer_domain: value, ...n })),
    countries: countries.map(({ value, ...n }) => ({ country_code: value, ...n })),
  };
}

/**
 * Three statements: the active window under the view's bot setting (its totals, and a list per
 * dimension of `lists`), the same window's likely bots, and the last hour by minute.
 */
async function liveFigures(
  ctx: LiveContext,
  siteId: string,
  view: OverviewView,
  lists: readonly string[],
): Promise<{ live: FilteredLive; lists: ListRow[][] }> {
  const { analytics } = ctx;
  const now = ctx.now();
  const request = (fromMs: number, bots: OverviewView["bots"]): AggregateQuery => ({
    siteIds: [siteId],
    fromMs,
    // [from, to): the unfiltered panel counts up to and including `now` (lib/db/stats_live.ts).
    toMs: now + 1,
    spans: [{ startMs: fromMs, offsetMin: 0 }],
    dimensions: [],
    filter: view.filter,
    bots,
  });
  const views = (rows: Map<string, AggregateGroup[]>) => rows.get("views") ?? [];
  const windowStart = now - ACTIVE_WINDOW_MINUTES * MINUTE_MS;
  const [totals, ...listed] = (await analytics.aggregatesBatch(
    request(windowStart, view.bots),
    [[], ...lists.map((key) => [key])].map((dimensions) => ({
      dimensions,
      filter: view.filter,
      families: ["views"],
    })),
  )).map(views);
  const active = totals[0]?.values ?? {};
  const bots = views(
    await analytics.aggregates(request(windowStart, { ...view.bots, mode: "only" }), ["views"]),
  )[0]?.values ?? {};

  const firstMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS;
  const byMinute = new Map<number, Record<string, number>>();
  const minutes = { ...request(firstMinute, view.bots), dimensions: ["time:minute"] };
  for (const row of views(await analytics.aggregates(minutes, ["views"]))) {
    // UTC buckets ("YYYY-MM-DD HH:MM:00"): the minute's index from the first.
    const minute = Date.parse(`${row.dimensions[0].replace(" ", "T")}Z`);
    byMinute.set(Math.round((minute - firstMinute) / MINUTE_MS), row.values);
  }
  return {
    live: {
      site_id: siteId,
      generated_at: iso(now),
      window_minutes: ACTIVE_WINDOW_MINUTES,
      active_visitors: active.visitors ?? 0,
      pageviews: active.pageviews ?? 0,
      estimated_bots: bots.visitors ?? 0,
      minutes: Array.from({ length: 60 }, (_, i) => ({
        t: iso(firstMinute + i * MINUTE_MS),
        views: byMinute.get(i)?.pageviews ?? 0,
        visitors: byMinute.get(i)?.visitors ?? 0,
      })),
    },
    lists: listed.map((rows, i) => topRows(rows, dimensionFor(lists[i])!.empty)),
  };
}

/** The rows with a value (not the dimension's `empty`), most visitors first, at most 10. */
function topRows(rows: AggregateGroup[], empty: string): ListRow[] {
  return rows
    .filter((r) => r.dimensions[0] !== empty && (r.values.pageviews ?? 0) > 0)
    .map((r) => ({
      value: r.dimensions[0],
      views: r.values.pageviews ?? 0,
      visitors: r.values.visitors ?? 0,
    }))
    .sort((a, b) => b.visitors - a.visitors || b.views - a.views || (a.value < b.value ? -1 : 1))
    .slice(0, REALTIME_ROWS);
}
