// Ranked lists of the dashboard (top pages, sources, countries, …): a table per list with a bar
// behind each label proportional to its count (an SVG rect: the CSP forbids style attributes),
// grouped in cards that may hold several lists (referrer domains and types, UTM source, medium
// and campaign). A row with an `href` is a link: on the dashboard, the row's filter added.
import type { ComponentChildren } from "preact";

export interface RankRow {
  /** The value as text (tooltips, tests). */
  label: string;
  /** How to show it, when not as plain text. */
  display?: ComponentChildren;
  value: number;
  /** A second figure (visitors, bounce rate). */
  secondary?: string | number;
  /** Where clicking the row's label goes (the dashboard: its filter added). */
  href?: string | null;
}

type KeysOf<R, T> = { [K in keyof R]: R[K] extends T ? K : never }[keyof R];

/**
 * The rows of a plain top list: each row's `label` column, its `value` count, then visitors;
 * `link` gives a row's href from its label (null: not a link).
 */
export function rankRows<R extends { visitors: number }>(
  rows: readonly R[],
  label: KeysOf<R, string>,
  value: KeysOf<R, number>,
  link?: (label: string) => string | null,
): RankRow[] {
  return rows.map((r) => ({
    label: r[label] as string,
    value: r[value] as number,
    secondary: r.visitors,
    href: link?.(r[label] as string) ?? null,
  }));
}

export interface RankTableProps {
  id: string;
  /** Column headings: the label's, the value's and the secondary figure's. */
  columns: readonly [string, string, string?];
  rows: readonly RankRow[];
  empty: string;
  heading?: string;
  mono?: boolean;
}

const numbers = new Intl.NumberFormat("en-US");
const show = (v: string | number | undefined) => (typeof v === "number" ? numbers.format(v) : v);

export function RankTable(props: RankTableProps) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const hasSecondary = props.columns[2] !== undefined;
  return (
    <div class="min-w-0">
      {props.heading && (
        <h3 class="mb-1 text-xs font-medium uppercase tracking-wide text-slate-500">
          {props.heading}
        </h3>
      )}
      <table id={props.id} class="w-full table-fixed text-sm">
        <caption class="sr-only">{props.heading ?? props.columns[0]}</caption>
        <thead class="text-xs text-slate-500">
          <tr>
            <th scope="col" class="py-1 text-left font-medium">{props.columns[0]}</th>
            <th scope="col" class="w-20 py-1 text-right font-medium">{props.columns[1]}</th>
            {hasSecondary && (
              <th scope="col" class="w-20 py-1 text-right font-medium">{props.columns[2]}</th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 && (
            <tr>
              <td colSpan={hasSecondary ? 3 : 2} class="py-3 text-center text-sm text-slate-500">
                {props.empty}
              </td>
            </tr>
          )}
          {props.rows.map((row) => (
            <tr data-rank={row.label}>
              <td class="relative py-1 pr-2">
                <svg
                  class="absolute inset-y-0.5 left-0 h-[calc(100%-0.25rem)] w-full"
                  viewBox="0 0 100 1"
                  preserveAspectRatio="none"
                  aria-hidden="true"
                >
                  <rect
                    width={((row.value / max) * 100).toFixed(2)}
                    height="1"
                    rx="0"
                    class="fill-indigo-100 dark:fill-indigo-950"
                  />
                </svg>
                <span
                  class={`relative block truncate px-1.5 ${props.mono ? "font-mono text-xs" : ""}`}
                  title={row.label}
                >
                  {row.href
                    ? (
                      <a class="hover:underline" href={row.href} data-filter-link>
                        {row.display ?? row.label}
                      </a>
                    )
                    : row.display ?? row.label}
                </span>
              </td>
              <td class="py-1 text-right tabular-nums">{show(row.value)}</td>
              {hasSecondary && (
                <td class="py-1 text-right tabular-nums text-slate-500">{show(row.secondary)}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TopCard(
  props: { id: string; title: string; subtitle?: string; children: ComponentChildren },
) {
  return (
    <section
      id={props.id}
      class="min-w-0 space-y-4 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div>
        <h2 class="font-semibold">{props.title}</h2>
        {props.subtitle && (
          <p class="mt-0.5 text-xs text-slate-500 dark:text-slate-400">{props.subtitle}</p>
        )}
      </div>
      {props.children}
    </section>
  );
}
