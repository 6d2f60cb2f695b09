// Goals (issue 17): per site, what counts as a conversion — a page goal (an exact path or a
// wildcard pattern), a custom-event goal (an event name, optionally with property values), or a
// scroll-depth goal (a page pattern and a depth). They are the query engine's `event:goal`
// dimension and its conversion metrics (lib/query/metrics.ts): the compiler joins the stored goals
// to the rows (lib/db/query/goals.ts), so a goal added or removed changes every report at once.
//
// Page patterns (Plausible's): `*` matches within one path segment, `**` across segments; any
// other character stands for itself. `/blog/**` matches `/blog/a/b` (and `/blog/`), `/blog/*`
// matches `/blog/a` only, `/thanks` matches `/thanks` only.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";
import { withCode } from "../api/fields.ts";
import { anyCondition, type Condition, type Filter, isCondition } from "./model.ts";
import { PROP_KEY_PATTERN } from "./dimensions.ts";

export const GOAL_DIMENSION = "event:goal";
export const GOAL_KINDS = ["page", "event", "scroll"] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

export const MAX_GOAL_NAME_LENGTH = 120;
export const MAX_GOAL_PROPS = 10;
/** Goals a site may have: every conversion question joins them all, the Goals card lists them. */
export const MAX_GOALS_PER_SITE = 100;
const MAX_PATTERN = 256;
const MAX_EVENT_NAME = 64;
const MAX_PROP_VALUE = 256;

/** A stored goal. */
export interface GoalRecord {
  id: number;
  site_id: string;
  name: string;
  kind: GoalKind;
  /** Page and scroll goals: the page pattern as entered. */
  page: string | null;
  /** Event goals: the custom event's name. */
  event_name: string | null;
  /** Event goals: property values the event must carry (each key equal to its value). */
  props: Record<string, string> | null;
  /** Scroll goals: the least scroll depth (percent) of a finished view of the page. */
  scroll_depth: number | null;
  /** Event goals: the currency their `revenue` amounts are reported in (a revenue goal). */
  currency: string | null;
  /** ISO instant. */
  created_at: string;
}

/** A goal to store: its record's fields, and the page pattern's regex (null: an exact path). */
export interface NewGoal {
  siteId: string;
  name: string;
  kind: GoalKind;
  page: string | null;
  pageRegex: string | null;
  eventName: string | null;
  props: Record<string, string> | null;
  scrollDepth: number | null;
  currency: string | null;
}

/**
 * The anchored regular expression of a page pattern, or null when it has no wildcard (an exact
 * path, compared as text). `**` is any characters, `*` any but `/`.
 */
export function pagePatternRegex(pattern: string): string | null {
  if (!pattern.includes("*")) return null;
  const escaped = pattern.split("**").map((part) =>
    part.split("*").map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")
  );
  return `^${escaped.join(".*")}$`;
}

/** Whether a path meets a page pattern (as the compiled SQL decides it). */
export function pageMatches(pattern: string, path: string): boolean {
  const re = pagePatternRegex(pattern);
  return re === null ? path === pattern : new RegExp(re).test(path);
}

const pattern = (field: string) =>
  z.string({ error: `${field}: a page path or pattern is required` })
    .min(1, { error: `${field}: a page path or pattern is required` })
    .max(MAX_PATTERN, { error: `${field}: at most ${MAX_PATTERN} characters` })
    .regex(/^\/[^\s]*$/, { error: `${field}: a path starts with / and has no spaces` });

/** The body of POST /api/goals (and the admin form's fields): checked, 400 `invalid_goal`. */
export const GOAL_BODY = withCode(
  z.object({
    site_id: z.string().regex(SITE_ID_PATTERN, { error: "site_id: not a site id" })
      .transform((s) => s.toLowerCase()),
    name: z.string({ error: "name: a name is required" }).trim()
      .min(1, { error: "name: a name is required" })
      .max(MAX_GOAL_NAME_LENGTH, { error: `name: at most ${MAX_GOAL_NAME_LENGTH} characters` })
      .describe("Unique per site; the value of event:goal"),
    kind: z.enum(GOAL_KINDS, { error: "kind: expected page, event or scroll" }),
    page: pattern("page").optional()
      .describe("page and scroll goals: a path, * within a segment, ** across (/blog/**)"),
    event_name: z.string().trim().min(1, { error: "event_name: an event name is required" })
      .max(MAX_EVENT_NAME, { error: `event_name: at most ${MAX_EVENT_NAME} characters` })
      .optional().describe("event goals: the custom event's name (echelon.track)"),
    props: z.record(
      z.string().regex(PROP_KEY_PATTERN, {
        error: "props: keys are 1-64 of A-Z a-z 0-9 _ . -",
      }),
      z.string().max(MAX_PROP_VALUE, { error: `props: values of at most ${MAX_PROP_VALUE}` }),
      { error: "props: expected an object of property values" },
    ).optional().describe('event goals: property values the event must carry ({"plan": "pro"})'),
    currency: z.string().regex(/^[A-Za-z]{3}$/, {
      error: "currency: a three-letter ISO 4217 code (EUR, USD…)",
    }).transform((c) => c.toUpperCase()).optional()
      .describe("event goals: report the events' revenue property in this currency"),
    scroll_depth: z.number({ error: "scroll_depth: expected a percentage" }).int()
      .min(1, { error: "scroll_depth: 1-100" }).max(100, { error: "scroll_depth: 1-100" })
      .optional().describe("scroll goals: the least scroll depth (percent) on the page"),
  }).strict().superRefine((g, ctx) => {
    const need = (field: string, present: boolean, message: string) => {
      if (!present) {
        ctx.addIssue({ code: "custom", path: [field], message: `${field}: ${message}` });
      }
    };
    const none = (field: string, present: boolean) => {
      if (present) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${field}: not used by a ${g.kind} goal`,
        });
      }
    };
    if (g.kind === "event") {
      need("event_name", g.event_name !== undefined, "an event goal needs the event's name");
      none("page", g.page !== undefined);
      none("scroll_depth", g.scroll_depth !== undefined);
      if (g.props && Object.keys(g.props).length > MAX_GOAL_PROPS) {
        ctx.addIssue({
          code: "custom",
          path: ["props"],
          message: `props: at most ${MAX_GOAL_PROPS}`,
        });
      }
    } else {
      need("page", g.page !== undefined, `a ${g.kind} goal needs a page`);
      none("event_name", g.event_name !== undefined);
      none("props", g.props !== undefined);
      none("currency", g.currency !== undefined);
      if (g.kind === "scroll") {
        need("scroll_depth", g.scroll_depth !== undefined, "a scroll goal needs a depth");
      } else none("scroll_depth", g.scroll_depth !== undefined);
    }
  }),
  "invalid_goal",
);

export type GoalBody = z.output<typeof GOAL_BODY>;

/** A checked body as the goal to store. */
export function newGoal(body: GoalBody): NewGoal {
  const page = body.page ?? null;
  return {
    siteId: body.site_id,
    name: body.name,
    kind: body.kind,
    page,
    pageRegex: page === null ? null : pagePatternRegex(page),
    eventName: body.event_name ?? null,
    props: body.props && Object.keys(body.props).length ? body.props : null,
    scrollDepth: body.scroll_depth ?? null,
    currency: body.currency ?? null,
  };
}

/** What a goal counts, in words (the admin's lists). */
export function describeGoal(g: GoalRecord): string {
  if (g.kind === "page") return `Visit ${g.page}`;
  if (g.kind === "scroll") return `Scroll ${g.page} to ${g.scroll_depth}%`;
  const props = Object.entries(g.props ?? {}).map(([k, v]) => `${k} = ${v}`);
  const revenue = g.currency ? `, revenue in ${g.currency}` : "";
  return `Event ${g.event_name}${props.length ? ` where ${props.join(", ")}` : ""}${revenue}`;
}

/** Whether a filter part is a condition on the goal dimension. */
export const isGoalCondition = (f: Filter): f is Condition =>
  isCondition(f) && f.dimension === GOAL_DIMENSION;

/** Whether a filter mentions the goal dimension anywhere. */
export const mentionsGoal = (f: Filter | null): boolean =>
  anyCondition(f, (c) => c.dimension === GOAL_DIMENSION);

/** An `and`'s parts (nested ones too), or the filter itself. */
export function conjunctsOf(f: Filter): Filter[] {
  return !isCondition(f) && f.op === "and" ? f.filters.flatMap(conjunctsOf) : [f];
}

/**
 * The goal conditions among a filter's top-level parts (ANDed): the goals a conversion metric
 * counts are those meeting them (all of the sites' goals when there are none).
 */
export function goalConditions(f: Filter | null): Condition[] {
  return f ? conjunctsOf(f).filter(isGoalCondition) : [];
}

/** The filter without its top-level goal conditions (the visitors a conversion rate divides by),
 * or null when nothing is left. */
export function withoutGoalConditions(f: Filter | null): Filter | null {
  if (!f) return null;
  const rest = conjunctsOf(f).filter((x) => !isGoalCondition(x));
  if (rest.length === 0) return null;
  return rest.length === 1 ? rest[0] : { op: "and", filters: rest };
}
