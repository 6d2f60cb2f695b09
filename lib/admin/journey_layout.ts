// Where a journey's Sankey diagram (components/JourneySankey.tsx) draws each node and band: one
// column per step, each node a bar as tall as its visits, stacked in the journey's order, and each
// link a curved band from its source's bar to its target's, as thick as its visits, the bands of
// one bar stacked in the order of the bars they join (so they do not cross at the bar).
import type { JourneyLinkOut, JourneyNodeOut } from "../query/journeys.ts";

export const SANKEY_WIDTH = 960;
const HEIGHT = 380;
const PAD_Y = 10;
const NODE_WIDTH = 12;
const NODE_GAP = 14;
/** Room right of the last column for its labels. */
const LABEL_ROOM = 200;
/** The thinnest bar or band drawn, so one visit among thousands stays visible. */
const MIN_THICKNESS = 1;
const MAX_LABEL = 22;

export interface SankeyNode {
  id: string;
  x: number;
  y: number;
  height: number;
  label: string;
  /** The label cut to fit, or the label. */
  shortLabel: string;
  kind: JourneyNodeOut["kind"];
  visits: number;
  step: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  /** The band: two curves and the bars' edges between them. */
  d: string;
  visits: number;
  title: string;
}

export interface SankeyLayout {
  width: number;
  height: number;
  /** Each step's column: x of its bars. */
  columns: { step: number; x: number }[];
  nodes: SankeyNode[];
  links: SankeyLink[];
}

const round = (n: number) => Math.round(n * 10) / 10;

export function sankeyLayout(
  nodes: readonly JourneyNodeOut[],
  links: readonly JourneyLinkOut[],
): SankeyLayout {
  const steps = Math.max(0, ...nodes.map((n) => n.step)) + 1;
  const perStep = Array.from({ length: steps }, (_, s) => nodes.filter((n) => n.step === s));
  const tallest = Math.max(1, ...perStep.map((c) => c.length));
  const total = Math.max(1, ...perStep.map((c) => c.reduce((sum, n) => sum + n.visits, 0)));
  const scale = (HEIGHT - 2 * PAD_Y - (tallest - 1) * NODE_GAP) / total;
  const thick = (visits: number) => Math.max(MIN_THICKNESS, visits * scale);
  const span = SANKEY_WIDTH - LABEL_ROOM - NODE_WIDTH;
  const columnX = (step: number) => round(steps === 1 ? 0 : (step * span) / (steps - 1));
  const placed = new Map<string, SankeyNode>();
  for (const column of perStep) {
    let y = PAD_Y;
    for (const n of column) {
      const height = thick(n.visits);
      placed.set(n.id, {
        id: n.id,
        x: columnX(n.step),
        y: round(y),
        height: round(height),
        label: n.label,
        shortLabel: n.label.length > MAX_LABEL ? `${n.label.slice(0, MAX_LABEL - 1)}…` : n.label,
        kind: n.kind,
        visits: n.visits,
        step: n.step,
      });
      y += height + NODE_GAP;
    }
  }
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  // Each bar's bands start (or end) one under the other, from the top.
  const outOffset = new Map<string, number>();
  const inOffset = new Map<string, number>();
  const bySource = [...links].sort((a, b) =>
    order.get(a.source)! - order.get(b.source)! || order.get(a.target)! - order.get(b.target)!
  );
  const byTarget = [...links].sort((a, b) =>
    order.get(a.target)! - order.get(b.target)! || order.get(a.source)! - order.get(b.source)!
  );
  const targetY = new Map<JourneyLinkOut, number>();
  for (const l of byTarget) {
    const target = placed.get(l.target)!;
    const at = inOffset.get(l.target) ?? 0;
    targetY.set(l, target.y + at);
    inOffset.set(l.target, at + thick(l.visits));
  }
  const drawn: SankeyLink[] = bySource.map((l) => {
    const source = placed.get(l.source)!;
    const target = placed.get(l.target)!;
    const at = outOffset.get(l.source) ?? 0;
    outOffset.set(l.source, at + thick(l.visits));
    const h = round(thick(l.visits));
    const x0 = source.x + NODE_WIDTH, x1 = target.x;
    const y0 = round(source.y + at), y1 = round(targetY.get(l)!);
    const mid = round((x0 + x1) / 2);
    return {
      source: l.source,
      target: l.target,
      d: `M${x0},${y0}C${mid},${y0} ${mid},${y1} ${x1},${y1}` +
        `L${x1},${round(y1 + h)}C${mid},${round(y1 + h)} ${mid},${round(y0 + h)} ${x0},${
          round(y0 + h)
        }Z`,
      visits: l.visits,
      title: `${source.label} → ${target.label}: ${l.visits} visit${l.visits === 1 ? "" : "s"}`,
    };
  });
  const bottom = Math.max(HEIGHT, ...[...placed.values()].map((n) => n.y + n.height + PAD_Y));
  return {
    width: SANKEY_WIDTH,
    height: Math.ceil(bottom),
    columns: Array.from({ length: steps }, (_, step) => ({ step, x: columnX(step) })),
    nodes: [...placed.values()],
    links: drawn,
  };
}

export const SANKEY_NODE_WIDTH = NODE_WIDTH;
