// The live dashboard (GET /api/stats/dashboard) and realtime panel (GET /api/stats/realtime).
// Charts are zero-filled and keyed by full UTC timestamps, so the last 60 minutes and 24 hours
// stay in order across midnight (reference defects W23/W24 sorted "HH:MM" strings). The 24-hour
// chart's hours are fresh to the last write (lib/store/analytics.ts hourActivity: on SQLite the
// hourly rollup plus the live delta above each day's watermark); the 60-minute chart and "now"
// read the raw rows of the last hour. The rows come from the store's analytics area.
import type { AnalyticsStore, RecentEvent, RecentVisitor } from "../store/analytics.ts";

/** What the live reads need: the analytics area and the caller's clock. */
export interface LiveContext {
  analytics: AnalyticsStore;
  now: () => number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const ACTIVE_WINDOW_MINUTES = 5;
export const RECENT_LIMIT = 20;

export interface MinuteBucket {
  /** Start of the minute, ISO UTC. */
  t: string;
  /** "HH:MM" in UTC (the contract's label). */
  minute: string;
  count: number;
}

export interface HourBucket {
  t: string;
  /** "HH:00" in UTC. */
  hour: string;
  count: number;
}

export interface LiveDashboard {
  site_id: string;
  generated_at: string;
  timezone: "UTC";
  now: { activeVisitors: number; estimatedBots: number; pageviews: number; windowMinutes: number };
  /** The last 60 minutes, oldest first, the current minute last. */
  hourly: { visitors: MinuteBucket[]; views: MinuteBucket[]; events: MinuteBucket[] };
  /** The last 24 hours, oldest first, the current hour last. */
  daily: { visitors: HourBucket[]; views: HourBucket[]; events: HourBucket[] };
  recentVisitors: RecentVisitor[];
  recentEvents: (Omit<RecentEvent, "data"> & { data: unknown })[];
}

export interface LiveOptions {
  /** Public mode: no visitor ids or raw event data in the response. */
  redact?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

function parseData(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The live dashboard of one site at `ctx.now()`. */
export async function liveDashboard(
  ctx: LiveContext,
  siteId: string,
  options: LiveOptions = {},
): Promise<LiveDashboard> {
  const { analytics } = ctx;
  const now = ctx.now();

  // Minutes: the current one and the 59 before it.
  const firstMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS;
  const minutes = new Map(
    (await analytics.minuteActivity({ siteId, since: iso(firstMinute), until: iso(now) }))
      .map((r) => [r.minute, r]),
  );
  const hourly: LiveDashboard["hourly"] = { visitors: [], views: [], events: [] };
  for (let i = 0; i < 60; i++) {
    const t = iso(firstMinute + i * MINUTE_MS);
    const row = minutes.get(t.slice(0, 16));
    const label = t.slice(11, 16);
    hourly.visitors.push({ t, minute: label, count: row?.visitors ?? 0 });
    hourly.views.push({ t, minute: label, count: row?.views ?? 0 });
    hourly.events.push({ t, minute: label, count: row?.events ?? 0 });
  }

  // Hours: the current one and the 23 before it.
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
  const lastHour = firstHour + 23 * HOUR_MS;
  const hours = new Map(
    (await analytics.hourActivity({
      siteId,
      fromHour: iso(firstHour).slice(0, 13),
      toHour: iso(lastHour).slice(0, 13),
    })).map((row) => [row.hour, row]),
  );
  const daily: LiveDashboard["daily"] = { visitors: [], views: [], events: [] };
  for (let i = 0; i < 24; i++) {
    const t = iso(firstHour + i * HOUR_MS);
    const row = hours.get(t.slice(0, 13));
    const label = `${t.slice(11, 13)}:00`;
    daily.visitors.push({ t, hour: label, count: row?.visitors ?? 0 });
    daily.views.push({ t, hour: label, count: row?.views ?? 0 });
    daily.events.push({ t, hour: label, count: row?.events ?? 0 });
  }

  const until = iso(now);
  const active = await analytics.nowCounts({
    siteId,
    since: iso(now - ACTIVE_WINDOW_MINUTES * MINUTE_MS),
    until,
  });
  const recent = { siteId, since: iso(now - HOUR_MS), until, limit: RECENT_LIMIT };
  const visitors = await analytics.recentVisitors(recent);
  const events = await analytics.recentEvents(recent);
  return {
    site_id: siteId,
    generated_at: iso(now),
    timezone: "UTC",
    now: {
      activeVisitors: active.active_visitors,
      estimatedBots: active.estimated_bots,
      pageviews: active.pageviews,
      windowMinutes: ACTIVE_WINDOW_MINUTES,
    },
    hourly,
    daily,
    recentVisitors: options.redact
      ? visitors.map((v) => ({ ...v, visitor_id: v.visitor_id.slice(0, 8) }))
      : visitors,
    recentEvents: events.map((e) =>
      options.redact
        ? { ...e, visitor_id: null, session_id: null, data: null }
        : { ...e, data: parseData(e.data) }
    ),
  };
}

export interface Realtime {
  site_id: string;
  generated_at: string;
  window_minutes: number;
  active_visitors: number;
  pageviews: number;
  active_paths: { path: string; views: number; visitors: number }[];
  referrers: { referrer_domain: string; views: number; visitors: number }[];
  countries: { country_code: string; views: number; visitors: number }[];
}

/** Active visitors of the last 5 minutes, their pages, referrers and countries. */
export async function realtimeStats(ctx: LiveContext, siteId: string): Promise<Realtime> {
  const now = ctx.now();
  const since = iso(now - ACTIVE_WINDOW_MINUTES * MINUTE_MS);
  const until = iso(now);
  const counts = await ctx.analytics.nowCounts({ siteId, since, until });
  const [paths, referrers, countries] = await Promise.all(
    (["path", "referrer", "country"] as const).map((by) =>
      ctx.analytics.activeBreakdown({ siteId, since, until, by, limit: 10 })
    ),
  );
  return {
    site_id: siteId,
    generated_at: iso(now),
    window_minutes: ACTIVE_WINDOW_MINUTES,
    active_visitors: counts.active_visitors,
    pageviews: counts.pageviews,
    active_paths: paths.map((r) => ({ path: r.value, views: r.views, visitors: r.visitors })),
    referrers: referrers.map((r) => ({
      referrer_domain: r.value,
      views: r.views,
      visitors: r.visitors,
    })),
    countries: countries.map((r) => ({
      country_code: r.value,
      views: r.views,
      visitors: r.visitors,
    })),
  };
}
