// Core Web Vitals of the period: the 75th percentile of each metric (what Google assesses) with
// its rating colour, p50/p95, the sample count and the share of good / needs-improvement / poor
// samples as a bar. Thresholds are web.dev's, as the rollup rates them (lib/db/stats_source.ts).
import { VITAL_THRESHOLDS, type VitalMetric } from "../lib/stats/terms.ts";
import type { WebVitals } from "../lib/stats/mod.ts";

export type Rating = "good" | "needs_improvement" | "poor";

const NAMES: Record<VitalMetric, string> = {
  LCP: "Largest Contentful Paint",
  CLS: "Cumulative Layout Shift",
  INP: "Interaction to Next Paint",
};

export function vitalRating(metric: VitalMetric, value: number): Rating {
  const [good, poor] = VITAL_THRESHOLDS[metric];
  return value <= good ? "good" : value <= poor ? "needs_improvement" : "poor";
}

/** A stored value as people read it: LCP in seconds, INP in ms, CLS unitless (stored ×1000). */
export function formatVital(metric: VitalMetric, value: number | null): string {
  if (value === null) return "—";
  if (metric === "CLS") return (value / 1000).toFixed(2);
  if (metric === "LCP") return `${(value / 1000).toFixed(2)} s`;
  return `${Math.round(value)} ms`;
}

const BADGE: Record<Rating, string> = {
  good: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  needs_improvement: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  poor: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200",
};
const LABEL: Record<Rating, string> = {
  good: "good",
  needs_improvement: "needs improvement",
  poor: "poor",
};

export function WebVitalsCard(props: { vitals: WebVitals }) {
  const metrics = Object.keys(props.vitals) as VitalMetric[];
  return (
    <section
      id="web-vitals"
      class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 class="font-semibold">Web vitals</h2>
      <p class="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
        75th percentile of real visits; colour by web.dev's thresholds.
      </p>
      <div class="mt-3 grid gap-4 sm:grid-cols-3">
        {metrics.map((metric) => {
          const v = props.vitals[metric];
          const rating = v.p75 === null ? null : vitalRating(metric, v.p75);
          const rated = v.good + v.needs_improvement + v.poor;
          const share = (n: number) => (rated > 0 ? (n / rated) * 100 : 0);
          return (
            <div class="min-w-0" data-vital={metric} data-rating={rating ?? "none"}>
              <div class="text-xs text-slate-500" title={NAMES[metric]}>
                <abbr title={NAMES[metric]} class="no-underline">{metric}</abbr> · p75
              </div>
              <div class="mt-1 flex items-baseline gap-2">
                <span class="text-2xl font-semibold tabular-nums" data-vital-p75={metric}>
                  {formatVital(metric, v.p75)}
                </span>
                {rating && (
                  <span class={`rounded px-1.5 py-0.5 text-xs font-medium ${BADGE[rating]}`}>
                    {LABEL[rating]}
                  </span>
                )}
              </div>
              <div class="mt-1 text-xs text-slate-500">
                {v.samples === 0
                  ? "No samples in this period"
                  : `p50 ${formatVital(metric, v.p50)} · p95 ${
                    formatVital(metric, v.p95)
                  } · ${v.samples} samples`}
              </div>
              {rated > 0 && (
                <svg
                  viewBox="0 0 100 4"
                  preserveAspectRatio="none"
                  role="img"
                  aria-label={`${Math.round(share(v.good))}% good, ${
                    Math.round(share(v.needs_improvement))
                  }% need improvement, ${Math.round(share(v.poor))}% poor`}
                  class="mt-2 block h-1.5 w-full rounded"
                >
                  <rect
                    x="0"
                    width={share(v.good).toFixed(2)}
                    height="4"
                    class="fill-emerald-500"
                  />
                  <rect
                    x={share(v.good).toFixed(2)}
                    width={share(v.needs_improvement).toFixed(2)}
                    height="4"
                    class="fill-amber-400"
                  />
                  <rect
                    x={(share(v.good) + share(v.needs_improvement)).toFixed(2)}
                    width={share(v.poor).toFixed(2)}
                    height="4"
                    class="fill-rose-500"
                  />
                </svg>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
