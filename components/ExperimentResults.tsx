// An experiment's results on the admin pages: a bar per variant (its conversion rate), the table
// of exposures, conversions, rate, uplift, difference with its interval, p-value and verdict, the
// sample-ratio warning and the notes. Server-rendered SVG (no script, no inline style: the CSP allows neither).
import type { ExperimentResults, VariantResult } from "../lib/experiments/results.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { DataTable, Td, Th } from "./DataTable.tsx";
import { Notice } from "./ui.tsx";

export function percent(value: number | null, digits = 2): string {
  return value === null ? "—" : `${(value * 100).toFixed(digits)}%`;
}

function signedPoints(value: number | null): string {
  if (value === null) return "—";
  const points = value * 100;
  return `${points >= 0 ? "+" : "−"}${Math.abs(points).toFixed(2)} pp`;
}

function signedPercent(value: number | null): string {
  if (value === null) return "—";
  return `${value >= 0 ? "+" : "−"}${Math.abs(value * 100).toFixed(1)}%`;
}

export function formatP(value: number | null): string {
  if (value === null) return "—";
  if (value < 0.0001) return "< 0.0001";
  return value.toFixed(4);
}

function verdictTone(v: VariantResult): string {
  if (v.significant) {
    return (v.difference ?? 0) >= 0
      ? "text-emerald-700 dark:text-emerald-400"
      : "text-rose-700 dark:text-rose-400";
  }
  return "text-slate-600 dark:text-slate-300";
}

function RateBars(props: { variants: VariantResult[] }) {
  const max = Math.max(0.0001, ...props.variants.map((v) => v.conversion_rate));
  const row = 28;
  const label = 120;
  const width = 480;
  const bar = width - label - 70;
  return (
    <svg
      id="experiment-chart"
      viewBox={`0 0 ${width} ${props.variants.length * row + 4}`}
      class="h-auto w-full max-w-xl text-slate-700 dark:text-slate-200"
      role="img"
      aria-label="Conversion rate per variant"
    >
      {props.variants.map((v, i) => (
        <g data-variant={v.variant_id} transform={`translate(0 ${i * row + 2})`}>
          <text x="0" y="17" class="fill-current text-[12px]">
            {v.variant_id.length > 16 ? `${v.variant_id.slice(0, 15)}…` : v.variant_id}
          </text>
          <rect
            x={label}
            y="4"
            width={bar}
            height="18"
            rx="3"
            class="fill-slate-100 dark:fill-slate-800"
          />
          <rect
            x={label}
            y="4"
            width={((v.conversion_rate / max) * bar).toFixed(1)}
            height="18"
            rx="3"
            class={v.is_control ? "fill-slate-400" : "fill-indigo-500"}
          />
          <text x={label + bar + 6} y="17" class="fill-current text-[12px] tabular-nums">
            {percent(v.conversion_rate)}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function ExperimentResultsView(props: { results: ExperimentResults }) {
  const r = props.results;
  const srm = r.sample_ratio;
  return (
    <div class="space-y-4" id="experiment-results">
      {srm?.mismatch && (
        <Notice tone="error">
          <strong>Sample ratio mismatch.</strong> The exposures split{" "}
          {r.variants.map((v) => `${v.variant_id} ${formatNumber(v.exposures)}`).join(" / ")}{" "}
          where the weights expect{" "}
          {r.variants.map((v) => `${formatNumber(Math.round(srm.expected[v.variant_id]))}`).join(
            " / ",
          )} (χ² = {srm.chi_square.toFixed(2)}, p = {srm.p_value.toExponential(2)} &lt;{" "}
          {srm.threshold}). Assignment or logging is broken somewhere: check that every variant
          sends its exposure and that the page passes the weights shown below. Do not trust the
          comparison until this is fixed.
        </Notice>
      )}
      <div class="grid gap-3 sm:grid-cols-3">
        <div>
          <div class="text-xs uppercase tracking-wide text-slate-500">Exposed sessions</div>
          <div class="text-xl font-semibold tabular-nums" data-total="exposures">
            {formatNumber(r.exposures)}
          </div>
        </div>
        <div>
          <div class="text-xs uppercase tracking-wide text-slate-500">Converted sessions</div>
          <div class="text-xl font-semibold tabular-nums" data-total="conversions">
            {formatNumber(r.conversions)}
          </div>
        </div>
        <div>
          <div class="text-xs uppercase tracking-wide text-slate-500">Counting</div>
          <div class="text-sm">
            {r.window
              ? `${r.window.from.slice(0, 16).replace("T", " ")} → ${
                r.ended_at ? r.window.to.slice(0, 16).replace("T", " ") : "now"
              } UTC`
              : "not started"}
          </div>
        </div>
      </div>
      {r.exposures > 0 && <RateBars variants={r.variants} />}
      <DataTable
        id="experiment-results-table"
        caption="Results per variant"
        head={
          <>
            <Th>Variant</Th>
            <Th numeric>Exposures</Th>
            <Th numeric>Conversions</Th>
            <Th numeric>Rate</Th>
            <Th numeric>Uplift</Th>
            <Th numeric>Difference (95% CI)</Th>
            <Th numeric>p-value</Th>
            <Th>Significance</Th>
          </>
        }
      >
        {r.variants.map((v) => (
          <tr data-variant={v.variant_id}>
            <Td mono>
              {v.variant_id}
              {v.is_control && <span class="ml-1 text-slate-500">(control)</span>}
            </Td>
            <Td numeric>
              <span data-cell="exposures">{formatNumber(v.exposures)}</span>
            </Td>
            <Td numeric>
              <span data-cell="conversions">{formatNumber(v.conversions)}</span>
            </Td>
            <Td numeric>
              <span data-cell="rate">{percent(v.conversion_rate)}</span>
            </Td>
            <Td numeric>
              <span data-cell="uplift">{signedPercent(v.relative_uplift)}</span>
            </Td>
            <Td numeric>
              <span data-cell="difference">
                {signedPoints(v.difference)}
                {v.ci_low !== null && v.ci_high !== null && !v.is_control &&
                  ` [${signedPoints(v.ci_low)}, ${signedPoints(v.ci_high)}]`}
              </span>
            </Td>
            <Td numeric>
              <span data-cell="p">{formatP(v.p_value)}</span>
            </Td>
            <Td>
              <span data-cell="significance" class={verdictTone(v)}>{v.significance}</span>
            </Td>
          </tr>
        ))}
      </DataTable>
      {r.notes.length > 0 && (
        <ul
          class="list-inside list-disc space-y-1 text-sm text-slate-600 dark:text-slate-300"
          id="experiment-notes"
        >
          {r.notes.map((note) => <li key={note}>{note}</li>)}
        </ul>
      )}
      <p class="text-xs text-slate-500">
        An exposure is a session (tab) that sent the experiment's exposure or any event tagged with
        it, counted in the variant it first saw; it converts when it sends the metric at or after
        that exposure. Bots (score ≥ 50) and excluded visitors are left out. Two-sided pooled
        z-test; the interval is the unpooled 95% interval of the difference in rates.
      </p>
    </div>
  );
}
