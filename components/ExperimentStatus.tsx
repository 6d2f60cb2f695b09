// An experiment's status as a coloured badge (list and detail pages).
import type { ExperimentStatus } from "../lib/experiments/model.ts";

const TONES: Record<ExperimentStatus, string> = {
  draft: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  active: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  paused: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  completed: "bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
  archived: "bg-slate-200 text-slate-600 dark:bg-slate-800 dark:text-slate-400",
};

export function ExperimentStatusBadge(props: { status: ExperimentStatus }) {
  return (
    <span
      data-status={props.status}
      class={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${TONES[props.status]}`}
    >
      {props.status}
    </span>
  );
}
