// The trend of one benchmark series in server-rendered SVG: the last N values as a line with a dot
// per value, the baseline (mean of the values before the latest) dashed, and the latest dot
// coloured by its verdict. Titled and described for screen readers, a tooltip per point (value,
// time, commit). Classes and presentation attributes only: the CSP forbids style attributes.
import type { PerfTrend, TrendStatus } from "../lib/perf/mod.ts";
import { formatPerfValue } from "../lib/perf/format.ts";

const W = 240;
const H = 64;
const PAD = 4;

const LATEST_CLASS: Record<TrendStatus, string> = {
  regression: "fill-rose-500",
  improvement: "fill-emerald-500",
  stable: "fill-indigo-500",
  no_baseline: "fill-indigo-500",
  no_direction: "fill-slate-500",
};

export function PerfChart(props: { id: string; trend: PerfTrend }) {
  const { id, trend } = props;
  const points = trend.points;
  const low = Math.min(trend.min, trend.baseline ?? trend.min);
  const high = Math.max(trend.max, trend.baseline ?? trend.max);
  // A flat series sits in the middle rather than on an edge.
  const span = high - low || Math.abs(high) || 1;
  const bottom = high - low === 0 ? low - span / 2 : low;
  const y = (v: number) => (H - PAD - ((v - bottom) / span) * (H - 2 * PAD)).toFixed(1);
  const x = (i: number) =>
    (points.length === 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (points.length - 1)).toFixed(1);
  const unit = trend.unit;
  const description = `${points.length} values from ${points[0].recorded_at.slice(0, 10)} to ` +
    `${trend.latest_at.slice(0, 10)}; min ${formatPerfValue(trend.min, unit)}, max ` +
    `${formatPerfValue(trend.max, unit)}, latest ${formatPerfValue(trend.latest, unit)}.`;
  return (
    <svg
      id={id}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      class="block h-16 w-full overflow-visible"
      data-points={points.length}
      data-status={trend.status}
    >
      <title id={`${id}-title`}>{`${trend.metric} (${unit})`}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {trend.baseline !== null && (
        <line
          x1="0"
          x2={W}
          y1={y(trend.baseline)}
          y2={y(trend.baseline)}
          class="stroke-slate-400"
          stroke-width="1"
          stroke-dasharray="4 3"
          vector-effect="non-scaling-stroke"
        />
      )}
      {points.length > 1 && (
        <polyline
          points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ")}
          fill="none"
          class="stroke-indigo-500 dark:stroke-indigo-400"
          stroke-width="2"
          stroke-linejoin="round"
          vector-effect="non-scaling-stroke"
        />
      )}
      {points.map((p, i) => {
        const last = i === points.length - 1;
        return (
          <circle
            cx={x(i)}
            cy={y(p.value)}
            r={last ? 3.5 : 2}
            class={last ? LATEST_CLASS[trend.status] : "fill-indigo-400 dark:fill-indigo-300"}
          >
            <title>
              {`${formatPerfValue(p.value, unit)} at ${p.recorded_at}` +
                (p.commit_hash ? ` (${p.commit_hash.slice(0, 12)})` : "")}
            </title>
          </circle>
        );
      })}
    </svg>
  );
}
