// A server-rendered daily bar chart (inline SVG, no script, so the strict CSP holds): one bar per
// day for the first series, a dot per day for the optional second, every day present (callers
// zero-fill), each bar titled with its figures, annotations as markers on their day (components/
// Annotations.tsx). Scales to its card's width.
import { AnnotationMarkers, type ChartAnnotation } from "./Annotations.tsx";

export interface DailyPoint {
  date: string;
  /** The bars (e.g. views). */
  value: number;
  /** Drawn as dots (e.g. visitors); optional. */
  secondary?: number;
}

const WIDTH = 720;
const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 22, left: 36 };

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

export function DailyBars(
  props: {
    id?: string;
    points: readonly DailyPoint[];
    label: string;
    secondaryLabel?: string;
    /** Notes placed on the days (lib/admin/annotations.ts). */
    annotations?: readonly ChartAnnotation[];
  },
) {
  const { points } = props;
  const max = niceMax(Math.max(0, ...points.map((p) => Math.max(p.value, p.secondary ?? 0))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const indexOf = new Map(points.map((p, i) => [p.date, i]));
  const total = points.reduce((sum, p) => sum + p.value, 0);
  const first = points[0]?.date ?? "";
  const last = points[points.length - 1]?.date ?? "";
  return (
    <figure id={props.id} class="w-full">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        class="h-auto w-full"
        role="img"
        aria-label={`${props.label} per day, ${first} to ${last}: ${total} in total`}
      >
        {[0, 0.5, 1].map((f) => (
          <g>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * f)}
              y2={y(max * f)}
              class="stroke-slate-200 dark:stroke-slate-800"
              stroke-width="1"
            />
            <text
              x={PAD.left - 6}
              y={y(max * f) + 4}
              text-anchor="end"
              class="fill-slate-500 text-[11px]"
            >
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const tip = `${p.date}: ${p.value} ${props.label.toLowerCase()}` +
            (p.secondary === undefined || !props.secondaryLabel
              ? ""
              : `, ${p.secondary} ${props.secondaryLabel.toLowerCase()}`);
          return (
            <g data-date={p.date} data-value={p.value}>
              <title>{tip}</title>
              <rect
                x={x}
                y={y(p.value)}
                width={barW}
                height={Math.max(0, PAD.top + plotH - y(p.value))}
                class="fill-indigo-500"
                rx="1"
              />
              {p.secondary !== undefined && p.secondary > 0 && (
                <circle cx={x + barW / 2} cy={y(p.secondary)} r="2.5" class="fill-amber-500" />
              )}
            </g>
          );
        })}
        <AnnotationMarkers
          notes={props.annotations ?? []}
          xOf={(point) => {
            const i = indexOf.get(point);
            return i === undefined ? null : PAD.left + i * slot + slot / 2;
          }}
          top={PAD.top}
          bottom={PAD.top + plotH}
        />
        <text x={PAD.left} y={HEIGHT - 6} class="fill-slate-500 text-[11px]">{first}</text>
        <text
          x={WIDTH - PAD.right}
          y={HEIGHT - 6}
          text-anchor="end"
          class="fill-slate-500 text-[11px]"
        >
          {last}
        </text>
      </svg>
      <figcaption class="mt-1 flex gap-4 text-xs text-slate-500">
        <span>
          <span class="mr-1 inline-block h-2 w-2 rounded-sm bg-indigo-500"></span>
          {props.label}
        </span>
        {props.secondaryLabel && (
          <span>
            <span class="mr-1 inline-block h-2 w-2 rounded-full bg-amber-500"></span>
            {props.secondaryLabel}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
