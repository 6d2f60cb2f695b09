// The dashboard's trend in server-rendered SVG, by day or by hour (lib/admin/trend.ts): views as
// bars, visitors as a line, the previous period dashed; a titled, described image with a tooltip
// per day or hour and a data table. No style attributes (the CSP forbids them); labels are HTML
// so they keep their size. Annotations sit on their day or hour as markers (components/
// Annotations.tsx), drawn last so their titles win the hover.
import type { TrendPoint, TrendUnit } from "../lib/admin/trend.ts";
import { AnnotationMarkers, type ChartAnnotation } from "./Annotations.tsx";
import { DataTable, Td, Th } from "./DataTable.tsx";

export type { TrendPoint };

export interface TrendChartProps {
  id: string;
  title: string;
  points: readonly TrendPoint[];
  /** Label of the previous period, when its views are drawn. */
  previousLabel?: string;
  /** What a point is: a local day (default) or hour ("YYYY-MM-DD HH:00"). */
  unit?: TrendUnit;
  /** The zone the days or hours are local to (UTC by default). */
  timeZone?: string;
  /** Notes placed on the points (lib/admin/annotations.ts). */
  annotations?: readonly ChartAnnotation[];
}

/** An axis label: the date, or for hours "HH:00" (with the date where the day changes). */
function axisLabel(point: TrendPoint | undefined, unit: TrendUnit): string {
  if (!point) return "";
  return unit === "hour" ? `${point.date.slice(5, 10)} ${point.date.slice(11, 16)}` : point.date;
}

const W = 600;
const H = 180;

/** The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1). */
export function niceMax(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

const formatter = new Intl.NumberFormat("en-US");
const fmt = (n: number) => formatter.format(n);

export function TrendChart(props: TrendChartProps) {
  const { id, points } = props;
  const unit = props.unit ?? "day";
  const zone = props.timeZone ?? "UTC";
  const noun = unit === "hour" ? "hour" : "day";
  const n = Math.max(1, points.length);
  const compared = props.previousLabel !== undefined &&
    points.some((p) => p.previousViews !== undefined);
  const top = niceMax(
    Math.max(0, ...points.map((p) => Math.max(p.views, p.visitors, p.previousViews ?? 0))),
  );
  const slot = W / n;
  const barWidth = Math.max(0.5, slot * (n > 60 ? 0.9 : 0.7));
  const y = (value: number) => H - (value / top) * H;
  const cx = (i: number) => i * slot + slot / 2;
  const indexOf = new Map(points.map((p, i) => [p.date, i]));
  const line = (values: number[]) =>
    values.map((v, i) => `${cx(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");

  const totalViews = points.reduce((sum, p) => sum + p.views, 0);
  const totalVisitors = points.reduce((sum, p) => sum + p.visitors, 0);
  const peak = points.reduce<TrendPoint | null>((a, p) => (!a || p.views > a.views ? p : a), null);
  const first = points[0]?.date ?? "";
  const last = points[points.length - 1]?.date ?? "";
  const middle = points[Math.floor((points.length - 1) / 2)];
  const description = totalViews === 0
    ? `No page views from ${first} to ${last} (${zone}).`
    : `${fmt(totalViews)} page views${
      // A sum of hourly distinct visitors means nothing; a day's visitors are its unique ones.
      unit === "day"
        ? ` and ${fmt(totalVisitors)} daily visitors`
        : ""} from ${first} to ${last} (${zone}); the busiest ${noun} was ${peak?.date} with ${
      fmt(peak?.views ?? 0)
    } views.`;

  return (
    <figure
      id={id}
      data-total-views={totalViews}
      data-days={unit === "day" ? points.length : undefined}
      data-hours={unit === "hour" ? points.length : undefined}
      data-unit={unit}
      data-time-zone={zone}
      class="min-w-0"
    >
      <div class="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
        <span class="flex items-center gap-1.5">
          <svg width="10" height="10" aria-hidden="true">
            <rect width="10" height="10" rx="2" class="fill-indigo-500" />
          </svg>
          Page views
        </span>
        <span class="flex items-center gap-1.5">
          <svg width="14" height="10" aria-hidden="true">
            <line x1="0" x2="14" y1="5" y2="5" class="stroke-emerald-500" stroke-width="2.5" />
          </svg>
          Visitors
        </span>
        {compared && (
          <span class="flex items-center gap-1.5">
            <svg width="14" height="10" aria-hidden="true">
              <line
                x1="0"
                x2="14"
                y1="5"
                y2="5"
                class="stroke-slate-400"
                stroke-width="2"
                stroke-dasharray="3 2"
              />
            </svg>
            Page views, {props.previousLabel}
          </span>
        )}
      </div>
      <div class="relative pl-10">
        <div
          class="pointer-events-none absolute inset-y-0 left-0 w-9 text-right text-xs tabular-nums text-slate-500"
          aria-hidden="true"
        >
          <span class="absolute right-0 top-0 -translate-y-1/2">{fmt(top)}</span>
          <span class="absolute right-0 top-1/2 -translate-y-1/2">{fmt(top / 2)}</span>
          <span class="absolute bottom-0 right-0 translate-y-1/2">0</span>
        </div>
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          class="block h-44 w-full overflow-visible sm:h-52"
        >
          <title id={`${id}-title`}>{props.title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          {[0, H / 2, H].map((gy) => (
            <line
              x1="0"
              x2={W}
              y1={gy}
              y2={gy}
              class="stroke-slate-200 dark:stroke-slate-700"
              stroke-width="1"
              vector-effect="non-scaling-stroke"
            />
          ))}
          {points.map((p, i) =>
            p.views > 0
              ? (
                <rect
                  x={(cx(i) - barWidth / 2).toFixed(2)}
                  y={y(p.views).toFixed(2)}
                  width={barWidth.toFixed(2)}
                  height={(H - y(p.views)).toFixed(2)}
                  class="fill-indigo-500/80 dark:fill-indigo-400/80"
                />
              )
              : null
          )}
          {compared && (
            <polyline
              points={line(points.map((p) => p.previousViews ?? 0))}
              fill="none"
              class="stroke-slate-400"
              stroke-width="1.5"
              stroke-dasharray="4 3"
              vector-effect="non-scaling-stroke"
            />
          )}
          <polyline
            points={line(points.map((p) => p.visitors))}
            fill="none"
            class="stroke-emerald-500"
            stroke-width="2.5"
            stroke-linejoin="round"
            vector-effect="non-scaling-stroke"
          />
          {points.map((p, i) => (
            <rect
              x={(i * slot).toFixed(2)}
              y="0"
              width={slot.toFixed(2)}
              height={H}
              fill="transparent"
            >
              <title>
                {`${p.date}: ${fmt(p.views)} views, ${fmt(p.visitors)} visitors` +
                  (compared ? `; ${fmt(p.previousViews ?? 0)} views in the previous period` : "")}
              </title>
            </rect>
          ))}
          <AnnotationMarkers
            notes={props.annotations ?? []}
            xOf={(point) => {
              const i = indexOf.get(point);
              return i === undefined ? null : cx(i);
            }}
            top={0}
            bottom={H}
          />
        </svg>
      </div>
      <figcaption class="mt-2 flex justify-between pl-10 text-xs text-slate-500 dark:text-slate-400">
        <span>{axisLabel(points[0], unit)}</span>
        {points.length > 2 && <span class="hidden sm:inline">{axisLabel(middle, unit)}</span>}
        <span>{axisLabel(points[points.length - 1], unit)}</span>
      </figcaption>
      <details class="mt-2 text-sm">
        <summary class="cursor-pointer text-slate-500">Show the figures as a table</summary>
        <DataTable
          id={`${id}-table`}
          caption={props.title}
          head={
            <>
              <Th>{unit === "hour" ? "Hour" : "Date"} ({zone})</Th>
              <Th numeric>Page views</Th>
              <Th numeric>Visitors</Th>
              {compared && <Th numeric>Previous period views</Th>}
            </>
          }
        >
          {points.map((p) => (
            <tr data-date={p.date} data-views={p.views} data-visitors={p.visitors}>
              <Td mono>{p.date}</Td>
              <Td numeric>{fmt(p.views)}</Td>
              <Td numeric>{fmt(p.visitors)}</Td>
              {compared && <Td numeric>{fmt(p.previousViews ?? 0)}</Td>}
            </tr>
          ))}
        </DataTable>
      </details>
    </figure>
  );
}
