// Client side of the live panels: the compact snapshots they render (built from the stats API's
// JSON, by the server for the first render too) and `startPolling`, a same-origin fetch every 10 s
// with the session cookie that pauses while the tab is hidden and stops once signed out (the
// islands hold its data in signals: lib/admin/live_signals.ts).
import type { LiveDashboard, Realtime } from "../stats/mod.ts";
import type { FilteredLive, FilteredRealtime } from "../stats/live_filtered.ts";

export const POLL_INTERVAL_MS = 10_000;

export interface MinutePoint {
  /** Start of the minute, ISO UTC. */
  t: string;
  views: number;
  visitors: number;
}

/** What the dashboard's live panel shows. */
export interface LiveSnapshot {
  generatedAt: string;
  windowMinutes: number;
  active: number;
  pageviews: number;
  bots: number;
  /** The last 60 minutes, oldest first. */
  minutes: MinutePoint[];
}

export function liveSnapshot(d: LiveDashboard): LiveSnapshot {
  return {
    generatedAt: d.generated_at,
    windowMinutes: d.now.windowMinutes,
    active: d.now.activeVisitors,
    pageviews: d.now.pageviews,
    bots: d.now.estimatedBots,
    minutes: d.hourly.views.map((bucket, i) => ({
      t: bucket.t,
      views: bucket.count,
      visitors: d.hourly.visitors[i]?.count ?? 0,
    })),
  };
}

/** The live panel's snapshot under the dashboard's filters (lib/admin/live_panel.ts). */
export function filteredSnapshot(d: FilteredLive): LiveSnapshot {
  return {
    generatedAt: d.generated_at,
    windowMinutes: d.window_minutes,
    active: d.active_visitors,
    pageviews: d.pageviews,
    bots: d.estimated_bots,
    minutes: d.minutes,
  };
}

export interface NamedCount {
  label: string;
  views: number;
  visitors: number;
}

export interface RecentVisitorRow {
  visitorId: string;
  lastSeen: string;
  views: number;
  path: string;
  country: string | null;
  device: string | null;
  browser: string | null;
}

/** What the realtime page shows: the live snapshot plus the active window's breakdowns. */
export interface RealtimeSnapshot extends LiveSnapshot {
  paths: NamedCount[];
  referrers: NamedCount[];
  countries: NamedCount[];
  /** The last hour's visitors; null when visitor ids must not be shown (public mode). */
  visitors: RecentVisitorRow[] | null;
}

export function realtimeSnapshot(
  d: LiveDashboard,
  r: Realtime,
  options: { withVisitors: boolean },
): RealtimeSnapshot {
  const live = liveSnapshot(d);
  return {
    ...live,
    visitors: options.withVisitors
      ? d.recentVisitors.map((v) => ({
        visitorId: v.visitor_id,
        lastSeen: v.last_seen,
        views: v.views,
        path: v.path,
        country: v.country_code,
        device: v.device_type,
        browser: v.browser_name,
      }))
      : null,
    // The realtime endpoint's figures are the active window's; it is read after the dashboard.
    generatedAt: r.generated_at,
    active: r.active_visitors,
    pageviews: r.pageviews,
    paths: r.active_paths.map((p) => ({ label: p.path, views: p.views, visitors: p.visitors })),
    referrers: r.referrers.map((p) => ({
      label: p.referrer_domain,
      views: p.views,
      visitors: p.visitors,
    })),
    countries: r.countries.map((p) => ({
      label: p.country_code,
      views: p.views,
      visitors: p.visitors,
    })),
  };
}

/**
 * The realtime page's snapshot under the dashboard's filters (lib/admin/live_panel.ts): no
 * visitors (the engine counts; it does not list who).
 */
export function filteredRealtimeSnapshot(d: FilteredRealtime): RealtimeSnapshot {
  const named = <K extends string>(
    rows: ({ [k in K]: string } & Omit<NamedCount, "label">)[],
    key: K,
  ) => rows.map((r) => ({ label: r[key], views: r.views, visitors: r.visitors }));
  return {
    ...filteredSnapshot(d),
    paths: named(d.active_paths, "path"),
    referrers: named(d.referrers, "referrer_domain"),
    countries: named(d.countries, "country_code"),
    visitors: null,
  };
}

export type PollStatus = "live" | "paused" | "error" | "signed_out";

export const STATUS_TEXT: Record<PollStatus, string> = {
  live: "updates every 10 s",
  paused: "paused while this tab is hidden",
  error: "update failed, retrying",
  signed_out: "stopped: sign in again to resume",
};

/** A refusal that polling again cannot fix (the session ended, or access was withdrawn). */
export class PollStopped extends Error {}

/** GET `url` as JSON with the session cookie; 401/403 stop the poller. */
export async function getJson<T>(url: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(url, {
    credentials: "same-origin",
    // A poll is not activity: the session's idle timeout keeps running (lib/auth/sessions.ts).
    headers: { accept: "application/json", "x-echelon-background": "1" },
    signal,
  });
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new PollStopped(`${url}: ${res.status}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${url}: ${res.status}`);
  }
  return await res.json() as T;
}

export interface PollLoop<T> {
  load: (signal: AbortSignal) => Promise<T>;
  intervalMs: number;
  onData: (data: T) => void;
  onStatus: (status: PollStatus) => void;
}

/**
 * Calls `load` every `intervalMs` while the document is visible (at once when it becomes visible
 * again), reporting data and status; failures keep the last data and retry at the next tick, a
 * PollStopped stops. Returns the function that stops it.
 */
export function startPolling<T>(loop: PollLoop<T>): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | null = null;
  let stopped = false;

  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === "visible") {
      timer = setTimeout(tick, loop.intervalMs);
    }
  };
  const tick = async () => {
    if (stopped || inFlight) return;
    const controller = new AbortController();
    inFlight = controller;
    try {
      const data = await loop.load(controller.signal);
      if (!controller.signal.aborted) {
        loop.onData(data);
        loop.onStatus("live");
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      if (error instanceof PollStopped) {
        stopped = true;
        loop.onStatus("signed_out");
      } else {
        loop.onStatus("error");
      }
    } finally {
      if (inFlight === controller) inFlight = null;
    }
    schedule();
  };
  const onVisibility = () => {
    if (stopped) return;
    if (document.visibilityState === "visible") {
      loop.onStatus("live");
      void tick();
    } else {
      clearTimeout(timer);
      inFlight?.abort();
      inFlight = null;
      loop.onStatus("paused");
    }
  };

  document.addEventListener("visibilitychange", onVisibility);
  if (document.visibilityState === "visible") schedule();
  else loop.onStatus("paused");
  return () => {
    stopped = true;
    clearTimeout(timer);
    inFlight?.abort();
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
