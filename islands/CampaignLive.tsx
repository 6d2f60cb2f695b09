// A campaign's headline figures, kept live: views, visitors, sessions and bounce rate of the
// selected period, polled from GET /api/campaigns/:id every 10 s (same origin, the admin session
// cookie) while the tab is visible, their state in signals (lib/admin/live_signals.ts). Events and
// conversions are the page's (the endpoint does not count them). Without script: the page's
// figures as rendered.
import { StatCard } from "../components/ui.tsx";
import { formatNumber } from "../lib/admin/format.ts";
import { getJson, STATUS_TEXT } from "../lib/admin/live_poll.ts";
import { usePolledSignals } from "../lib/admin/live_signals.ts";

export interface CampaignFigures {
  views: number;
  visitors: number;
  sessions: number;
  bounce_rate: number;
}

export interface CampaignLiveProps {
  campaignId: string;
  /** The selected period, whole UTC days. */
  from: string;
  to: string;
  initial: CampaignFigures;
  events: number;
  conversions: number;
  conversionHint: string;
}

export default function CampaignLive(props: CampaignLiveProps) {
  const query = new URLSearchParams({ from: props.from, to: props.to });
  const url = `/api/campaigns/${encodeURIComponent(props.campaignId)}?${query}`;
  const { data, status } = usePolledSignals<CampaignFigures>(async (signal) => {
    const f = await getJson<CampaignFigures>(url, signal);
    return {
      views: f.views,
      visitors: f.visitors,
      sessions: f.sessions,
      bounce_rate: f.bounce_rate,
    };
  }, props.initial);
  const f = data.value;
  return (
    <div class="space-y-1">
      <section
        class="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6"
        id="campaign-figures"
        data-status={status.value}
      >
        <StatCard label="Views" value={formatNumber(f.views)} />
        <StatCard label="Visitors" value={formatNumber(f.visitors)} hint="daily uniques" />
        <StatCard label="Sessions" value={formatNumber(f.sessions)} />
        <StatCard label="Bounce rate" value={f.sessions > 0 ? `${f.bounce_rate}%` : "—"} />
        <StatCard label="Events" value={formatNumber(props.events)} />
        <StatCard
          label="Conversions"
          value={formatNumber(props.conversions)}
          hint={props.conversionHint}
        />
      </section>
      <p class="text-xs text-slate-500 dark:text-slate-400">
        Views, visitors, sessions and bounce rate{" "}
        <span aria-live="polite" id="campaign-live-status">{STATUS_TEXT[status.value]}</span>
      </p>
    </div>
  );
}
