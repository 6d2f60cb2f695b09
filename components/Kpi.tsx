// Headline cards of the dashboard: the figure, and its change against the previous period as an
// arrow and a percentage (points for rates), green when the change is good news and red when it
// is not (a rising bounce rate is red). The change is also written out for screen readers.
import type { Kpi } from "../lib/admin/dashboard.ts";

const TONE = {
  good: "text-emerald-700 dark:text-emerald-400",
  bad: "text-rose-700 dark:text-rose-400",
  flat: "text-slate-500",
};

export function KpiCard(props: { kpi: Kpi }) {
  const { kpi } = props;
  const delta = kpi.delta;
  const tone = !delta || delta.good === null ? TONE.flat : delta.good ? TONE.good : TONE.bad;
  const arrow = delta?.direction === "up" ? "▲" : delta?.direction === "down" ? "▼" : "";
  return (
    <div
      class="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      data-kpi={kpi.key}
    >
      <div class="text-xs uppercase tracking-wide text-slate-500" title={kpi.hint}>
        {kpi.label}
      </div>
      <div class="mt-1 truncate text-2xl font-semibold tabular-nums" data-kpi-value={kpi.key}>
        {kpi.value}
      </div>
      {delta && (
        <div class={`mt-1 text-xs font-medium tabular-nums ${tone}`} title={delta.description}>
          <span aria-hidden="true" data-kpi-delta={delta.direction}>
            {arrow && `${arrow} `}
            {delta.text}
          </span>
          <span class="sr-only">{delta.description}</span>
        </div>
      )}
    </div>
  );
}

// Whole class names, so Tailwind finds them in the source.
const WIDE_COLUMNS: Record<number, string> = {
  5: "lg:grid-cols-5",
  7: "lg:grid-cols-4 xl:grid-cols-7",
};

export function KpiGrid(props: { kpis: readonly Kpi[]; id: string }) {
  const wide = WIDE_COLUMNS[props.kpis.length] ?? "lg:grid-cols-4";
  return (
    <section
      id={props.id}
      aria-label="Headline figures"
      class={`grid grid-cols-2 gap-3 sm:grid-cols-3 ${wide}`}
    >
      {props.kpis.map((kpi) => <KpiCard key={kpi.key} kpi={kpi} />)}
    </section>
  );
}
