// The dashboard's live panel: visitors active now and page views per minute over the last hour,
// refreshed from GET /api/stats/dashboard every 10 s (same origin, the admin session cookie; a
// public instance answers without one), its state in signals (lib/admin/live_signals.ts). Polling
// pauses while the tab is hidden. Under the dashboard's filters it polls the filtered dashboard's
// URL for JSON (lib/admin/live_panel.ts) and shows them as chips: only the matching traffic counts.
import { Sparkline } from "../components/Sparkline.tsx";
import {
  getJson,
  type LiveSnapshot,
  liveSnapshot,
  POLL_INTERVAL_MS,
  STATUS_TEXT,
} from "../lib/admin/live_poll.ts";
import { usePolledSignals } from "../lib/admin/live_signals.ts";
import type { LiveDashboard } from "../lib/stats/mod.ts";

export interface LivePanelProps {
  siteId: string;
  initial: LiveSnapshot;
  /** Link to the realtime page with the current selection. */
  realtimeHref: string;
  /** Under the dashboard's filters: the URL polled for JSON, and the chips' text. */
  filtered?: { url: string; labels: string[] };
}

export default function LivePanel(props: LivePanelProps) {
  const url = `/api/stats/dashboard?site_id=${encodeURIComponent(props.siteId)}`;
  const filtered = props.filtered;
  const polled = usePolledSignals<LiveSnapshot>(
    async (signal) =>
      filtered
        ? await getJson<LiveSnapshot>(filtered.url, signal)
        : liveSnapshot(await getJson<LiveDashboard>(url, signal)),
    props.initial,
    POLL_INTERVAL_MS,
  );
  const data = polled.data.value;
  const status = polled.status.value;
  const lastHour = data.minutes.reduce((sum, m) => sum + m.views, 0);
  return (
    <section
      id="live-panel"
      aria-labelledby="live-panel-title"
      data-status={status}
      data-generated-at={data.generatedAt}
      class="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-[auto_1fr] dark:border-slate-800 dark:bg-slate-900"
    >
      <div class="min-w-40">
        <h2 id="live-panel-title" class="flex items-center gap-2 text-sm font-semibold">
          <span
            aria-hidden="true"
            class={status === "live"
              ? "inline-block h-2.5 w-2.5 animate-pulse rounded-full bg-emerald-500"
              : "inline-block h-2.5 w-2.5 rounded-full bg-slate-400"}
          >
          </span>
          Live
        </h2>
        {filtered && (
          <ul data-live-panel="filters" class="mt-1 flex flex-wrap gap-1">
            {filtered.labels.map((label) => (
              <li class="rounded-full bg-indigo-50 px-2 py-0.5 text-xs text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
                {label}
              </li>
            ))}
          </ul>
        )}
        <p class="mt-1">
          <span class="text-3xl font-semibold tabular-nums" data-live-panel="active">
            {data.active}
          </span>{" "}
          <span class="text-sm text-slate-500 dark:text-slate-400">
            active in the last {data.windowMinutes} min
          </span>
        </p>
        <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">
          <span data-live-panel="views" class="tabular-nums">{data.pageviews}</span> views
          {" · "}
          <span data-live-panel="bots" class="tabular-nums">{data.bots}</span> likely bots (last
          {" "}
          {data.windowMinutes} min)
        </p>
      </div>
      <div class="min-w-0">
        <div class="flex items-baseline justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
          <span>
            Page views per minute, last 60 min:{" "}
            <span class="tabular-nums" data-live-panel="hour">{lastHour}</span>
          </span>
          <a href={props.realtimeHref} class="text-indigo-600 hover:underline dark:text-indigo-400">
            Realtime →
          </a>
        </div>
        <Sparkline
          id="live-sparkline"
          values={data.minutes.map((m) => m.views)}
          label="Page views per minute over the last 60 minutes"
          heightClass="h-12 mt-1"
        />
        <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">
          As of {data.generatedAt.slice(11, 19)} UTC ·{" "}
          <span aria-live="polite" data-live-panel="status">{STATUS_TEXT[status]}</span>
        </p>
      </div>
    </section>
  );
}
