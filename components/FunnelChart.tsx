// A funnel's steps drawn on the server: a bar per step as wide as its share of the first step's
// visits (an SVG rect: the CSP forbids style attributes), with the step's count and conversion,
// and a table of the same figures (drop-off, median time from the previous step) for screen
// readers and for reading exact numbers.
import type { FunnelStepResult } from "../lib/query/funnels.ts";
import { formatDuration, formatNumber } from "../lib/admin/format.ts";
import { DataTable, Td, Th } from "./DataTable.tsx";

const WIDTH = 600;
const ROW = 34;
const LABEL = 180;

export function FunnelChart(props: { id: string; title: string; steps: FunnelStepResult[] }) {
  const { steps } = props;
  const first = Math.max(1, steps[0]?.visitors ?? 0);
  const bar = WIDTH - LABEL - 110;
  return (
    <div class="space-y-3">
      <svg
        id={`${props.id}-chart`}
        viewBox={`0 0 ${WIDTH} ${steps.length * ROW}`}
        class="w-full max-w-3xl"
        role="img"
        aria-label={props.title}
      >
        <title>{props.title}</title>
        {steps.map((s, i) => {
          const w = Math.max(s.visitors > 0 ? 2 : 0, (s.visitors / first) * bar);
          const y = i * ROW;
          return (
            <g data-step={i + 1}>
              <text x={0} y={y + 21} class="fill-current" font-size="12">
                {`${i + 1}. ${s.label}`.slice(0, 28)}
              </text>
              <rect
                x={LABEL}
                y={y + 6}
                width={w.toFixed(1)}
                height={ROW - 12}
                rx={3}
                class="fill-indigo-500"
              >
                <title>{`${s.label}: ${s.visitors} (${s.conversion_rate}%)`}</title>
              </rect>
              <text x={LABEL + w + 6} y={y + 21} class="fill-current" font-size="12">
                {`${formatNumber(s.visitors)} · ${s.conversion_rate}%`}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable
        id={`${props.id}-table`}
        caption={props.title}
        head={
          <>
            <Th>Step</Th>
            <Th numeric>Visits</Th>
            <Th numeric>Drop-off</Th>
            <Th numeric>Conversion</Th>
            <Th numeric>Median time</Th>
          </>
        }
      >
        {steps.map((s, i) => (
          <tr data-step={i + 1}>
            <Td>{`${i + 1}. ${s.label}`}</Td>
            <Td numeric>{formatNumber(s.visitors)}</Td>
            <Td numeric>{i === 0 ? "—" : formatNumber(s.dropoff)}</Td>
            <Td numeric>{`${s.conversion_rate}%`}</Td>
            <Td numeric>
              {s.median_seconds === null ? "—" : formatDuration(s.median_seconds * 1000)}
            </Td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
