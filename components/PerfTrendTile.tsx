// One benchmark series on /admin/perf: its name and branch, the latest value, the change against
// the mean of the previous values, a verdict badge and the trend chart.
import { formatChangePct, formatPerfValue } from "../lib/perf/format.ts";
import type { PerfTrend, TrendStatus } from "../lib/perf/mod.ts";
import { PerfChart } from "./PerfChart.tsx";

const BADGE: Record<TrendStatus, { label: string; classes: string }> = {
  regression: {
    label: "Regression",
    classes: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200",
  },
  improvement: {
    label: "Improvement",
    classes: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  },
  stable: {
    label: "Stable",
    classes: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  },
  no_baseline: {
    label: "First value",
    classes: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200",
  },
  no_direction: {
    label: "Not judged",
    classes: "bg-slate-100 text-slate-500 dark:bg-slate-800 dark:text-slate-400",
  },
};

export function PerfStatusBadge(props: { status: TrendStatus }) {
  const badge = BADGE[props.status];
  return (
    <span
      class={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${badge.classes}`}
      data-status={props.status}
    >
      {badge.label}
    </span>
  );
}

function verdictHint(trend: PerfTrend): string {
  if (trend.status === "no_direction") {
    return `The unit "${trend.unit}" does not say whether lower or higher is better.`;
  }
  if (trend.baseline === null) return "Nothing to compare with yet.";
  const better = trend.better === "lower" ? "lower is better" : "higher is better";
  return `vs ${formatPerfValue(trend.baseline, trend.unit)}, the mean of the previous ` +
    `${trend.count - 1}; ${better}, flagged beyond ${trend.threshold_pct} %.`;
}

export function PerfTrendTile(props: { id: string; trend: PerfTrend }) {
  const { trend } = props;
  return (
    <article
      class="min-w-0 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
      data-metric={trend.metric}
      data-branch={trend.branch ?? ""}
      data-status={trend.status}
    >
      <header class="flex items-start justify-between gap-2">
        <div class="min-w-0">
          <h3 class="truncate text-sm font-medium" title={trend.metric}>{trend.metric}</h3>
          <p class="text-xs text-slate-500">
            {trend.branch ? `branch ${trend.branch}` : "no branch"} · {trend.count}{" "}
            value{trend.count === 1 ? "" : "s"}
          </p>
        </div>
        <PerfStatusBadge status={trend.status} />
      </header>
      <div class="mt-2 flex items-baseline justify-between gap-2">
        <span class="text-lg font-semibold tabular-nums" data-latest={trend.latest}>
          {formatPerfValue(trend.latest, trend.unit)}
        </span>
        <span class="text-sm tabular-nums text-slate-600 dark:text-slate-300" data-change>
          {formatChangePct(trend.change_pct)}
        </span>
      </div>
      <p class="text-xs text-slate-500">{verdictHint(trend)}</p>
      <div class="mt-2">
        <PerfChart id={props.id} trend={trend} />
      </div>
      <p class="mt-1 flex justify-between text-xs tabular-nums text-slate-500">
        <span>min {formatPerfValue(trend.min, trend.unit)}</span>
        <span>max {formatPerfValue(trend.max, trend.unit)}</span>
      </p>
    </article>
  );
}
