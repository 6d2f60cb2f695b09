// Journeys (issue 17): from one page, the pages visits went on to (or, backwards, came from), up to
// five steps, as nodes and links of a Sankey diagram. A question of the query engine: the same
// sites, date range in the query's zone, filters and bot setting as POST /api/v2/query (its body's
// fields, read by its schema and resolveQuery), counting the visits its `visits` metric counts.
// The store counts them (lib/store/analytics.ts `journeys`; on SQLite lib/db/query/journeys.ts);
// this file reads the body, and orders and labels what the store counted.
import { z } from "zod";
import { withCode } from "../api/fields.ts";
import type {
  JourneyLink,
  JourneyNode,
  JourneyNodeKind,
  JourneyQuery,
  JourneyRows,
} from "../store/analytics.ts";
import type { AnalyticsStore } from "../store/analytics.ts";
import { MAX_FILTER_VALUE_LENGTH, type Query, QUERY_BODY, type QueryBody } from "./model.ts";
import { request, resolveRange } from "./run.ts";

export const JOURNEY_DIRECTIONS = ["next", "previous"] as const;
export const JOURNEY_MODES = ["any", "entry"] as const;
export const MAX_JOURNEY_DEPTH = 5;
export const MAX_JOURNEY_WIDTH = 10;
export const DEFAULT_JOURNEY_DEPTH = 3;
export const DEFAULT_JOURNEY_WIDTH = 5;

export type JourneyDirection = (typeof JOURNEY_DIRECTIONS)[number];
export type JourneyMode = (typeof JOURNEY_MODES)[number];

/** The body of POST /api/v2/journeys: the query API's site, range, filters and bots, and the
 * journey's own fields. */
export const JOURNEY_BODY = withCode(
  QUERY_BODY.pick({
    site_id: true,
    date_range: true,
    filters: true,
    timezone: true,
    bots: true,
    bot_threshold: true,
  }).extend({
    page: z.string({ error: "page: expected a path, e.g. /pricing" })
      .min(1).max(MAX_FILTER_VALUE_LENGTH)
      .describe("The page the journeys start from (next) or lead to (previous): an exact path"),
    direction: z.enum(JOURNEY_DIRECTIONS).optional()
      .describe("next (default): the pages after it; previous: the pages before it"),
    mode: z.enum(JOURNEY_MODES).optional()
      .describe(
        "any (default): visits that view the page; entry: visits that enter on it (with " +
          "previous: that leave from it)",
      ),
    depth: z.number().int().min(1).max(MAX_JOURNEY_DEPTH).optional()
      .describe(`Steps from the page, 1-${MAX_JOURNEY_DEPTH} (default ${DEFAULT_JOURNEY_DEPTH})`),
    width: z.number().int().min(1).max(MAX_JOURNEY_WIDTH).optional()
      .describe(
        `Pages shown per step, 1-${MAX_JOURNEY_WIDTH} (default ${DEFAULT_JOURNEY_WIDTH}); the ` +
          "rest are grouped as (other)",
      ),
  }).strict(),
  "invalid_query",
);

export type JourneyBody = z.output<typeof JOURNEY_BODY>;

/** A journey resolved: the visits' query (its sites, range, zone, filter and bots) and the walk. */
export interface Journey {
  query: Query;
  page: string;
  direction: JourneyDirection;
  mode: JourneyMode;
  depth: number;
  width: number;
}

/** The query API's body of a journey's visits (segments are expanded and names resolved on it). */
export function visitsBody(body: JourneyBody): QueryBody {
  const { page: _p, direction: _d, mode: _m, depth: _k, width: _w, ...rest } = body;
  return { ...rest, metrics: ["visits"] };
}

/** The journey of `body` over the visits of `query` (resolveQuery's of visitsBody). */
export function journeyOf(query: Query, body: JourneyBody): Journey {
  return {
    query,
    page: body.page,
    direction: body.direction ?? "next",
    mode: body.mode ?? "any",
    depth: body.depth ?? DEFAULT_JOURNEY_DEPTH,
    width: body.width ?? DEFAULT_JOURNEY_WIDTH,
  };
}

export interface JourneyNodeOut {
  /** `<step>:<kind>[:<page>]`, what links name. */
  id: string;
  step: number;
  kind: JourneyNodeKind;
  page: string | null;
  /** The page, "(other)", or where the visits ended: "(exit)" (next) or "(entry)" (previous). */
  label: string;
  visits: number;
}

export interface JourneyLinkOut {
  source: string;
  target: string;
  /** The source's step. */
  step: number;
  visits: number;
}

export interface JourneyResult {
  nodes: JourneyNodeOut[];
  links: JourneyLinkOut[];
  meta: {
    /** The visits that reach the page (step 0). */
    visits: number;
    page: string;
    direction: JourneyDirection;
    mode: JourneyMode;
    depth: number;
    width: number;
    /** Local days, both included. */
    date_range: [string, string];
    timezone: string;
    bots: Query["bots"]["mode"];
    bot_threshold: number;
  };
}

/** What a journey runs with: the analytics area (a read's context has it). */
export interface JourneyContext {
  analytics: Pick<AnalyticsStore, "journeys" | "firstViewAt">;
}

/** Plan (the range's instants) → count (the store) → shape (ordered, labelled nodes and links). */
export async function runJourney(ctx: JourneyContext, j: Journey): Promise<JourneyResult> {
  const range = await resolveRange(ctx, j.query);
  const { dimensions: _, ...visits } = request(j.query, range, []);
  const asked: JourneyQuery = {
    ...visits,
    page: j.page,
    direction: j.direction,
    mode: j.mode,
    depth: j.depth,
    width: j.width,
  };
  const rows = await ctx.analytics.journeys(asked);
  return {
    ...shapeJourney(j, rows),
    meta: {
      visits: rows.nodes.find((n) => n.step === 0)?.visits ?? 0,
      page: j.page,
      direction: j.direction,
      mode: j.mode,
      depth: j.depth,
      width: j.width,
      date_range: [range.from, range.to],
      timezone: j.query.timeZone,
      bots: j.query.bots.mode,
      bot_threshold: j.query.bots.threshold,
    },
  };
}

const KIND_ORDER: Record<JourneyNodeKind, number> = { page: 0, other: 1, end: 2 };

const nodeId = (step: number, n: { kind: JourneyNodeKind; page: string | null }) =>
  n.kind === "page" ? `${step}:page:${n.page}` : `${step}:${n.kind}`;

/** The store's rows in order: by step, then pages by visits (then name), (other), the end. */
export function shapeJourney(
  j: Pick<Journey, "direction">,
  rows: JourneyRows,
): Pick<JourneyResult, "nodes" | "links"> {
  const end = j.direction === "next" ? "(exit)" : "(entry)";
  const byOrder = (a: JourneyNode, b: JourneyNode) =>
    a.step - b.step || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.visits - a.visits ||
    String(a.page).localeCompare(String(b.page));
  const nodes = [...rows.nodes].sort(byOrder).map((n) => ({
    id: nodeId(n.step, n),
    step: n.step,
    kind: n.kind,
    page: n.page,
    label: n.kind === "page" ? n.page! : n.kind === "other" ? "(other)" : end,
    visits: n.visits,
  }));
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const links = rows.links.map((l: JourneyLink) => ({
    source: nodeId(l.step, l.from),
    target: nodeId(l.step + 1, l.to),
    step: l.step,
    visits: l.visits,
  })).sort((a, b) =>
    position.get(a.source)! - position.get(b.source)! ||
    position.get(a.target)! - position.get(b.target)!
  );
  return { nodes, links };
}
