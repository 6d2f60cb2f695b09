// Funnels (issue 17): an ordered list of 2-8 steps — each a page (pattern, as goals' pages:
// lib/query/goals.ts) or a custom event with optional property values — counted per visit (or per
// visitor within the range) among the rows a query keeps (its filters, bot setting and range), in
// strict order (each step after the previous one; other pages may come between) or in any order
// (step k is reached with steps 1..k done, whatever their order). Results: entities at each step,
// drop-off and conversion from the first step, the median time between consecutive steps (strict
// order), and the same per value of one dimension (a breakdown: which sources get through).
//
// The store finds each entity's step times (lib/store/analytics.ts `funnel`; on SQLite
// lib/db/query/funnels.ts, over the compiler's matched rows); this file shapes them.
import { z } from "zod";
import { withCode } from "../api/fields.ts";
import { SITE_ID_PATTERN } from "../config.ts";
import { PROP_KEY_PATTERN } from "./dimensions.ts";
import { pagePatternRegex } from "./goals.ts";
import { dimensionFor } from "./dimensions.ts";
import { type Query, QUERY_BODY, type QueryBody } from "./model.ts";
import { HttpError } from "../http_error.ts";
import { echo, type QueryContext, request, resolveRange } from "./run.ts";

export const MIN_FUNNEL_STEPS = 2;
export const MAX_FUNNEL_STEPS = 8;
/** Funnels a site may have (its Funnels page computes the first 20 of them). */
export const MAX_FUNNELS_PER_SITE = 50;
export const FUNNEL_ORDERS = ["strict", "any"] as const;
export const FUNNEL_UNITS = ["visit", "visitor"] as const;
export type FunnelOrder = (typeof FUNNEL_ORDERS)[number];
export type FunnelUnit = (typeof FUNNEL_UNITS)[number];

/** One step as stored and asked. */
export interface FunnelStep {
  /** Shown in results; defaults to the page or the event's name. */
  label?: string;
  page?: string;
  event_name?: string;
  props?: Record<string, string>;
}

export interface FunnelSpec {
  steps: FunnelStep[];
  order: FunnelOrder;
  per: FunnelUnit;
}

/** A step as the engine matches it: a page (exact, or its pattern's regex) or a custom event. */
export type StepMatch =
  | { kind: "page"; exact: string | null; regex: string | null }
  | { kind: "event"; name: string; props: [string, string][] };

export function stepMatch(step: FunnelStep): StepMatch {
  if (step.page !== undefined) {
    const regex = pagePatternRegex(step.page);
    return { kind: "page", exact: regex === null ? step.page : null, regex };
  }
  return { kind: "event", name: step.event_name!, props: Object.entries(step.props ?? {}) };
}

export const stepLabel = (step: FunnelStep) =>
  step.label ?? (step.page !== undefined ? step.page : step.event_name!);

const STEP = z.object({
  label: z.string().trim().min(1).max(100).optional(),
  page: z.string().min(1).max(256).regex(/^\/[^\s]*$/, { error: "a path starts with /" })
    .optional(),
  event_name: z.string().trim().min(1).max(64).optional(),
  props: z.record(
    z.string().regex(PROP_KEY_PATTERN, { error: "keys are 1-64 of A-Z a-z 0-9 _ . -" }),
    z.string().min(1, { error: "props: a value is key=value" })
      .max(256, { error: "props: values of at most 256 characters" }),
  ).optional(),
}).strict().superRefine((s, ctx) => {
  if ((s.page === undefined) === (s.event_name === undefined)) {
    ctx.addIssue({ code: "custom", message: "a step is a page or an event_name (one of them)" });
  }
  if (s.page !== undefined && s.props !== undefined) {
    ctx.addIssue({ code: "custom", message: "props go with an event_name" });
  }
});

/** A funnel's definition (the body of /api/funnels, the funnel of /api/v2/funnel). */
export const FUNNEL_DEFINITION = {
  steps: z.array(STEP, {
    error: `steps: expected ${MIN_FUNNEL_STEPS}-${MAX_FUNNEL_STEPS} steps`,
  }).min(MIN_FUNNEL_STEPS, {
    error: `steps: expected ${MIN_FUNNEL_STEPS}-${MAX_FUNNEL_STEPS} steps`,
  }).max(MAX_FUNNEL_STEPS, {
    error: `steps: expected ${MIN_FUNNEL_STEPS}-${MAX_FUNNEL_STEPS} steps`,
  }).describe('[{"page": "/"}, {"page": "/pricing"}, {"event_name": "signup"}]'),
  order: z.enum(FUNNEL_ORDERS, { error: "order: strict or any" }).optional()
    .describe("strict (default): each step after the previous one; any: in any order"),
  per: z.enum(FUNNEL_UNITS, { error: "per: visit or visitor" }).optional()
    .describe("visit (default): within one visit; visitor: within the range (per daily id)"),
};

export const FUNNEL_BODY = withCode(
  z.object({
    site_id: z.string().regex(SITE_ID_PATTERN, { error: "site_id: not a site id" })
      .transform((s) => s.toLowerCase()),
    name: z.string({ error: "name: a name is required" }).trim()
      .min(1, { error: "name: a name is required" })
      .max(100, { error: "name: at most 100 characters" }),
    ...FUNNEL_DEFINITION,
  }).strict(),
  "invalid_funnel",
);

/** A checked body as the funnel to store. */
export function newFunnel(body: z.output<typeof FUNNEL_BODY>): NewFunnelSpec {
  return {
    siteId: body.site_id,
    name: body.name,
    steps: body.steps,
    order: body.order ?? "strict",
    per: body.per ?? "visit",
  };
}

/** A funnel to store (lib/store/funnels.ts NewFunnel). */
export interface NewFunnelSpec extends FunnelSpec {
  siteId: string;
  name: string;
}

/** One entity (a visit or a visitor) that reached step 1: its breakdown value and the instant
 * (ISO) it reached each step, null from the first step it did not reach. */
export interface FunnelEntity {
  group: string;
  times: (string | null)[];
}

export interface FunnelStepResult {
  label: string;
  /** Visits (or visitors) that reached this step. */
  visitors: number;
  /** Of those at the previous step, how many did not reach this one (0 for the first). */
  dropoff: number;
  /** Percent of the first step's that reached this one. */
  conversion_rate: number;
  /** Median seconds from the previous step (strict order; null for the first, any order, none). */
  median_seconds: number | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The steps' results over `entities`. */
export function funnelSteps(
  spec: FunnelSpec,
  entities: readonly FunnelEntity[],
): FunnelStepResult[] {
  const reached = spec.steps.map((_, k) =>
    entities.filter((e) => e.times.slice(0, k + 1).every((t) => t !== null))
  );
  const first = reached[0].length;
  return spec.steps.map((step, k) => {
    const here = reached[k];
    const waits = k > 0 && spec.order === "strict"
      ? here.map((e) => (Date.parse(e.times[k]!) - Date.parse(e.times[k - 1]!)) / 1000)
      : [];
    const m = median(waits);
    return {
      label: stepLabel(step),
      visitors: here.length,
      dropoff: k === 0 ? 0 : reached[k - 1].length - here.length,
      conversion_rate: first ? round1((here.length * 100) / first) : 0,
      median_seconds: m === null ? null : Math.round(m),
    };
  });
}

/** The results per breakdown value, busiest first (by the first step's count). */
export function funnelBreakdown(
  spec: FunnelSpec,
  entities: readonly FunnelEntity[],
  limit: number,
): { value: string; steps: FunnelStepResult[] }[] {
  const groups = new Map<string, FunnelEntity[]>();
  for (const e of entities) {
    const list = groups.get(e.group);
    if (list) list.push(e);
    else groups.set(e.group, [e]);
  }
  return [...groups].map(([value, list]) => ({ value, steps: funnelSteps(spec, list) }))
    .sort((a, b) => b.steps[0].visitors - a.steps[0].visitors || a.value.localeCompare(b.value))
    .slice(0, limit);
}

export interface FunnelResult {
  steps: FunnelStepResult[];
  /** By the query's one dimension, when it has one. */
  breakdown?: { value: string; steps: FunnelStepResult[] }[];
  query: Record<string, unknown>;
}

/** A funnel over the rows `q` keeps (its sites, range, zone, filter and bot setting); `q`'s one
 * dimension, if any, breaks it down (at most `q.limit` values). */
export async function runFunnel(
  ctx: QueryContext,
  q: Query,
  spec: FunnelSpec,
): Promise<FunnelResult> {
  const range = await resolveRange(ctx, q);
  const entities = await ctx.analytics.funnel(request(q, range, q.dimensions), spec);
  const result: FunnelResult = {
    steps: funnelSteps(spec, entities),
    query: { ...echo(q, range), funnel: spec },
  };
  if (q.dimensions.length) result.breakdown = funnelBreakdown(spec, entities, q.limit);
  return result;
}

const MAX_BREAKDOWN = 1000;

/** The body of POST /api/v2/funnel: the query API's site, range, filters, zone and bots, and a
 * funnel — a stored one (`funnel_id`) or its definition inline — with an optional breakdown. */
export const FUNNEL_QUERY_BODY = withCode(
  z.object({
    site_id: QUERY_BODY.shape.site_id,
    date_range: QUERY_BODY.shape.date_range,
    filters: QUERY_BODY.shape.filters,
    timezone: QUERY_BODY.shape.timezone,
    bots: QUERY_BODY.shape.bots,
    bot_threshold: QUERY_BODY.shape.bot_threshold,
    funnel_id: z.number().int().min(1).optional().describe("A stored funnel (GET /api/funnels)"),
    ...FUNNEL_DEFINITION,
    steps: FUNNEL_DEFINITION.steps.optional(),
    breakdown: z.string().optional()
      .describe("A dimension: the funnel per value (visit:source, visit:country…)"),
    limit: z.number().int().min(1).max(MAX_BREAKDOWN).optional()
      .describe("The breakdown's values, busiest first (default 100)"),
  }).strict(),
  "invalid_query",
);

export type FunnelQueryBody = z.output<typeof FUNNEL_QUERY_BODY>;

const invalid = (field: string, message: string) =>
  new HttpError(400, "invalid_query", `${field}: ${message}`);

/** The query body a funnel's rows are those of (its breakdown as the one dimension). */
export function funnelQueryBody(body: FunnelQueryBody): QueryBody {
  if (body.breakdown !== undefined) {
    const spec = dimensionFor(body.breakdown);
    if (!spec || spec.level === "time" || spec.from.kind === "goal") {
      throw invalid(
        "breakdown",
        `${JSON.stringify(body.breakdown)} is not a dimension to break a funnel down by`,
      );
    }
  }
  return {
    site_id: body.site_id,
    metrics: ["visitors"],
    date_range: body.date_range,
    dimensions: body.breakdown === undefined ? [] : [body.breakdown],
    filters: body.filters,
    timezone: body.timezone,
    bots: body.bots,
    bot_threshold: body.bot_threshold,
    pagination: { limit: body.limit ?? 100 },
  };
}

/** The funnel a body asks for: its stored one (of the query's sites) or its inline steps. */
export function funnelSpecOf(
  body: FunnelQueryBody,
  stored: { site_id: string; steps: FunnelStep[]; order: FunnelOrder; per: FunnelUnit } | null,
  siteIds: readonly string[],
): FunnelSpec {
  if (body.funnel_id !== undefined) {
    if (body.steps !== undefined) throw invalid("steps", "give funnel_id or steps, not both");
    if (!stored || !siteIds.includes(stored.site_id)) {
      throw invalid("funnel_id", `no funnel ${body.funnel_id} of the query's sites`);
    }
    return { steps: stored.steps, order: body.order ?? stored.order, per: body.per ?? stored.per };
  }
  if (body.steps === undefined) throw invalid("steps", "give funnel_id or 2-8 steps");
  return { steps: body.steps, order: body.order ?? "strict", per: body.per ?? "visit" };
}
