// A journey (lib/query/journeys.ts) drawn on the server: a Sankey diagram in SVG (columns per
// step, bars sized by visits, curved bands between them; lib/admin/journey_layout.ts places them)
// with a <title> per bar and band, and the same figures as tables — each step's pages, and each
// band — for screen readers, narrow screens and anyone who wants the numbers. No script.
// Colours are classes, not style attributes: the admin CSP forbids inline styles. Labels have a
// halo (a stroke painted under the fill) so they read over the bands.
import type { JourneyResult } from "../lib/query/journeys.ts";
import { SANKEY_NODE_WIDTH, sankeyLayout } from "../lib/admin/journey_layout.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { DataTable, Td, Th, Truncated } from "./DataTable.tsx";

const NODE_CLASSES = {
  page: "fill-indigo-500",
  other: "fill-slate-400",
  end: "fill-rose-500",
} as const;

const percent = (part: number, whole: number) =>
  whole === 0 ? "—" : `${(Math.round((part / whole) * 1000) / 10).toFixed(1)}%`;

const stepName = (step: number, direction: string) =>
  step === 0 ? "Page" : `${direction === "next" ? "Next" : "Previous"} ${step}`;

export function JourneySankey(props: { journey: JourneyResult }) {
  const { nodes, links, meta } = props.journey;
  const layout = sankeyLayout(nodes, links);
  const ends = nodes.filter((n) => n.kind === "end").reduce((sum, n) => sum + n.visits, 0);
  const summary = `Journeys ${meta.direction === "next" ? "from" : "to"} ${meta.page}: ${
    formatNumber(meta.visits)
  } visits over ${layout.columns.length - 1} steps; ${formatNumber(ends)} ended within them.`;
  return (
    <figure id="journey-sankey" class="space-y-2">
      <div class="overflow-x-auto">
        <svg
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          class="h-auto w-full min-w-[640px]"
          role="img"
          aria-label={summary}
        >
          <g class="fill-indigo-300 dark:fill-indigo-800" fill-opacity="0.55">
            {layout.links.map((l) => (
              <path
                key={`${l.source}>${l.target}`}
                d={l.d}
                data-link={`${l.source} -> ${l.target}`}
                data-visits={l.visits}
              >
                <title>{l.title}</title>
              </path>
            ))}
          </g>
          {layout.nodes.map((n) => (
            <g key={n.id}>
              <rect
                x={n.x}
                y={n.y}
                width={SANKEY_NODE_WIDTH}
                height={n.height}
                class={NODE_CLASSES[n.kind]}
                data-node={n.id}
                data-visits={n.visits}
              >
                <title>{`${n.label}: ${formatNumber(n.visits)} visits`}</title>
              </rect>
              <text
                x={n.x + SANKEY_NODE_WIDTH + 4}
                y={n.y + n.height / 2}
                dominant-baseline="middle"
                paint-order="stroke"
                stroke-width="3"
                stroke-linejoin="round"
                class="fill-slate-700 stroke-white text-[11px] dark:fill-slate-200 dark:stroke-slate-900"
              >
                {`${n.shortLabel} · ${formatNumber(n.visits)}`}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <figcaption class="text-xs text-slate-500">
        {summary}{" "}
        Bars are pages per step (grey: the other pages, red: where visits ended); bands are visits
        going from one to the next.
      </figcaption>
      <details id="journey-tables" class="text-sm" open={nodes.length <= 12}>
        <summary class="cursor-pointer text-slate-600 dark:text-slate-300">
          The figures as tables
        </summary>
        <DataTable id="journey-steps" caption="Pages per step" head={<StepHead />}>
          {nodes.map((n) => (
            <tr key={n.id} data-node={n.id}>
              <Td>{stepName(n.step, meta.direction)}</Td>
              <Td wrap>
                <Truncated value={n.label} max={80} />
              </Td>
              <Td numeric>{formatNumber(n.visits)}</Td>
              <Td numeric>{percent(n.visits, meta.visits)}</Td>
            </tr>
          ))}
        </DataTable>
        <DataTable
          id="journey-links"
          caption="Visits from one step to the next"
          head={<LinkHead />}
        >
          {links.map((l) => (
            <tr key={`${l.source}>${l.target}`} data-link={`${l.source} -> ${l.target}`}>
              <Td>{stepName(l.step, meta.direction)}</Td>
              <Td wrap>
                <Truncated value={labelOf(props.journey, l.source)} max={60} />
              </Td>
              <Td wrap>
                <Truncated value={labelOf(props.journey, l.target)} max={60} />
              </Td>
              <Td numeric>{formatNumber(l.visits)}</Td>
            </tr>
          ))}
        </DataTable>
      </details>
    </figure>
  );
}

const labelOf = (j: JourneyResult, id: string) => j.nodes.find((n) => n.id === id)?.label ?? id;

function StepHead() {
  return (
    <>
      <Th>Step</Th>
      <Th>Page</Th>
      <Th numeric>Visits</Th>
      <Th numeric>Share</Th>
    </>
  );
}

function LinkHead() {
  return (
    <>
      <Th>From step</Th>
      <Th>From</Th>
      <Th>To</Th>
      <Th numeric>Visits</Th>
    </>
  );
}
