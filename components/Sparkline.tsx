// A small bar sparkline in SVG (per-minute counts of the live panels). Pure markup with
// presentation attributes and classes only — no style attribute, which the CSP forbids — so the
// server renders it and the live islands re-render it after each refresh.

export interface SparklineProps {
  values: readonly number[];
  /** What the chart shows, for screen readers (the figures follow in the label). */
  label: string;
  id?: string;
  /** Tailwind height class of the chart. */
  heightClass?: string;
}

const WIDTH = 120;
const HEIGHT = 32;

export function Sparkline(props: SparklineProps) {
  const values = props.values;
  const max = Math.max(1, ...values);
  const total = values.reduce((sum, v) => sum + v, 0);
  const peak = Math.max(0, ...values);
  const step = values.length > 0 ? WIDTH / values.length : WIDTH;
  const gap = step > 2 ? 0.4 : 0;
  return (
    <svg
      id={props.id}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${props.label}: ${total} in total, at most ${peak} in one minute`}
      class={`block w-full ${props.heightClass ?? "h-10"}`}
      data-total={total}
    >
      <line
        x1="0"
        x2={WIDTH}
        y1={HEIGHT - 0.5}
        y2={HEIGHT - 0.5}
        class="stroke-slate-200 dark:stroke-slate-700"
        stroke-width="1"
        vector-effect="non-scaling-stroke"
      />
      {values.map((value, i) => {
        const h = value === 0 ? 0 : Math.max(1.5, (value / max) * (HEIGHT - 2));
        return h === 0 ? null : (
          <rect
            x={(i * step + gap / 2).toFixed(2)}
            y={(HEIGHT - h).toFixed(2)}
            width={(step - gap).toFixed(2)}
            height={h.toFixed(2)}
            class={i === values.length - 1
              ? "fill-emerald-500"
              : "fill-indigo-400 dark:fill-indigo-500"}
          />
        );
      })}
    </svg>
  );
}
