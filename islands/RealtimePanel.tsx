// The realtime page's body: visitors active in the last 5 minutes, page views per minute over the
// last hour, the pages, referrers and countries of the active window and (private instances
// only) the last hour's visitors. Refreshed every 10 s from GET /api/stats/realtime and
// GET /api/stats/dashboard with the session cookie; paused while the tab is hidden. Under the
// dashboard's filters, from the filtered page's URL asked for JSON (lib/admin/live_panel.ts), the
// filters shown as chips; the visitors are not listed then.
import { DataTable, EmptyRow, Td, Th, Truncated } from "../components/DataTable.tsx";
import { Sparkline } from "../components/Sparkline.tsx";
import { countryName } from "../lib/admin/country.ts";
import {
  getJson,
  type NamedCount,
  POLL_INTERVAL_MS,
  type RealtimeSnapshot,
  realtimeSnapshot,
  STATUS_TEXT,
} from "../lib/admin/live_poll.ts";
import { usePolledSignals } from "../lib/admin/live_signals.ts";
import type { LiveDashboard, Realtime } from "../lib/stats/mod.ts";

export interface RealtimePanelProps {
  siteId: string;
  initial: RealtimeSnapshot;
  /** Under the dashboard's filters: the URL polled for JSON, and the chips' text. */
  filtered?: { url: string; labels: string[] };
}

function ago(iso: string, nowIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  return `${Math.floor(seconds / 60)} min ago`;
}

export default function RealtimePanel(props: RealtimePanelProps) {
  const site = encodeURIComponent(props.siteId);
  const withVisitors = props.initial.visitors !== null;
  const polled = usePolledSignals<RealtimeSnapshot>(
    async (signal) => {
      if (props.filtered) return await getJson<RealtimeSnapshot>(props.filtered.url, signal);
      const [dashboard, realtime] = await Promise.all([
        getJson<LiveDashboard>(`/api/stats/dashboard?site_id=${site}`, signal),
        getJson<Realtime>(`/api/stats/realtime?site_id=${site}`, signal),
      ]);
      return realtimeSnapshot(dashboard, realtime, { withVisitors });
    },
    props.initial,
    POLL_INTERVAL_MS,
  );
  const data = polled.data.value;
  const status = polled.status.value;
  const views = data.minutes.map((m) => m.views);
  return (
    <div id="realtime-panel" class="space-y-5" data-status={status}>
      {props.filtered && (
        <p class="flex flex-wrap items-center gap-1 text-xs text-slate-500 dark:text-slate-400">
          Only the traffic matching
          <span class="contents" data-realtime="filters">
            {props.filtered.labels.map((label) => (
              <span class="rounded-full bg-indigo-50 px-2 py-0.5 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
                {label}
              </span>
            ))}
          </span>
          (the last hour's visitors are not listed under filters).
        </p>
      )}
      <section class="grid grid-cols-3 gap-4" aria-label="Active window">
        <Figure
          label={`Active visitors (${data.windowMinutes} min)`}
          value={data.active}
          name="active"
        />
        <Figure
          label={`Page views (${data.windowMinutes} min)`}
          value={data.pageviews}
          name="views"
        />
        <Figure label={`Likely bots (${data.windowMinutes} min)`} value={data.bots} name="bots" />
      </section>

      <section class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <h2 class="font-semibold">Page views per minute, last 60 minutes</h2>
        <Sparkline
          id="realtime-chart"
          values={views}
          label="Page views per minute over the last 60 minutes"
          heightClass="h-32 mt-3"
        />
        <div class="mt-1 flex justify-between text-xs text-slate-500 dark:text-slate-400">
          <span>{data.minutes[0]?.t.slice(11, 16) ?? ""} UTC</span>
          <span data-realtime="hour">{views.reduce((a, b) => a + b, 0)} views</span>
          <span>{data.minutes[data.minutes.length - 1]?.t.slice(11, 16) ?? ""} UTC</span>
        </div>
        <details class="mt-2 text-sm">
          <summary class="cursor-pointer text-slate-500">Per-minute figures</summary>
          <DataTable
            caption="Page views and visitors per minute"
            head={
              <>
                <Th>Minute (UTC)</Th>
                <Th numeric>Views</Th>
                <Th numeric>Visitors</Th>
              </>
            }
          >
            {data.minutes.filter((m) => m.views > 0 || m.visitors > 0).map((m) => (
              <tr>
                <Td mono>{m.t.slice(11, 16)}</Td>
                <Td numeric>{m.views}</Td>
                <Td numeric>{m.visitors}</Td>
              </tr>
            ))}
            {views.every((v) => v === 0) && (
              <EmptyRow columns={3}>No page views in the last hour.</EmptyRow>
            )}
          </DataTable>
        </details>
      </section>

      <div class="grid gap-4 lg:grid-cols-3">
        <CountList id="realtime-pages" title="Current pages" rows={data.paths} mono />
        <CountList id="realtime-referrers" title="Referrers" rows={data.referrers} />
        <CountList
          id="realtime-countries"
          title="Countries"
          rows={data.countries.map((c) => ({ ...c, label: countryName(c.label) }))}
        />
      </div>

      {data.visitors && (
        <section class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h2 class="font-semibold">Visitors of the last hour</h2>
          <div class="mt-3">
            <DataTable
              id="realtime-visitors"
              caption="Visitors of the last hour"
              head={
                <>
                  <Th>Visitor</Th>
                  <Th numeric>Views</Th>
                  <Th>Last page</Th>
                  <Th>Country</Th>
                  <Th>Device</Th>
                  <Th>Last seen</Th>
                </>
              }
            >
              {data.visitors.length === 0 && (
                <EmptyRow columns={6}>No visitors in the last hour.</EmptyRow>
              )}
              {data.visitors.map((v) => (
                <tr data-visitor={v.visitorId}>
                  <Td mono>
                    <a
                      class="text-indigo-600 hover:underline dark:text-indigo-400"
                      href={`/admin/visitors/${encodeURIComponent(v.visitorId)}`}
                    >
                      {v.visitorId.slice(0, 12)}
                    </a>
                  </Td>
                  <Td numeric>{v.views}</Td>
                  <Td mono>
                    <Truncated value={v.path} max={40} />
                  </Td>
                  <Td>{countryName(v.country)}</Td>
                  <Td>{[v.device, v.browser].filter(Boolean).join(" · ") || "—"}</Td>
                  <Td>{ago(v.lastSeen, data.generatedAt)}</Td>
                </tr>
              ))}
            </DataTable>
          </div>
        </section>
      )}

      <p class="text-xs text-slate-500 dark:text-slate-400">
        As of {data.generatedAt.slice(11, 19)} UTC ·{" "}
        <span aria-live="polite" data-realtime="status">{STATUS_TEXT[status]}</span>
      </p>
    </div>
  );
}

function Figure(props: { label: string; value: number; name: string }) {
  return (
    <div class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div class="text-xs uppercase tracking-wide text-slate-500">{props.label}</div>
      <div class="mt-1 text-3xl font-semibold tabular-nums" data-realtime={props.name}>
        {props.value}
      </div>
    </div>
  );
}

function CountList(props: { id: string; title: string; rows: NamedCount[]; mono?: boolean }) {
  return (
    <section
      id={props.id}
      class="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 class="font-semibold">{props.title}</h2>
      <div class="mt-3">
        <DataTable
          caption={props.title}
          head={
            <>
              <Th>{props.title}</Th>
              <Th numeric>Views</Th>
              <Th numeric>Visitors</Th>
            </>
          }
        >
          {props.rows.length === 0 && <EmptyRow columns={3}>Nothing right now.</EmptyRow>}
          {props.rows.map((row) => (
            <tr>
              <Td mono={props.mono}>
                <Truncated value={row.label} max={40} />
              </Td>
              <Td numeric>{row.views}</Td>
              <Td numeric>{row.visitors}</Td>
            </tr>
          ))}
        </DataTable>
      </div>
    </section>
  );
}
