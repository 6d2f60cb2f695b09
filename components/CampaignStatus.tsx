// A campaign's status as a small coloured badge (active campaigns are the ones recorded).
import type { CampaignStatus } from "../lib/store/campaigns.ts";

const TONES: Record<CampaignStatus, string> = {
  active: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  paused: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  archived: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

export function StatusBadge(props: { status: CampaignStatus }) {
  return (
    <span
      class={`rounded px-1.5 py-0.5 text-xs font-medium ${TONES[props.status]}`}
      data-status={props.status}
    >
      {props.status}
    </span>
  );
}
