// Answers from the per-day aggregates (lib/db/aggregates.ts, lib/db/aggregates_events.ts) the
// questions they hold exactly; the compiler's path over raw rows and the sessions table
// (compile.ts) answers the rest, family by family.
//
// Every family served needs: bots hidden or shown alone at the default threshold
// (BOT_SCORE_THRESHOLD), one side each (all shown, or another threshold, falls back: a visitor on
// both sides is one visitor); a range of whole UTC days (a local day in a zone with an offset falls
// back); no day of the range waiting in aggregate_dirty for a rebuild; one dimension at most.
// - views (pageviews, visitors), sessions (visits, bounces, session_views, duration_ms), bots
//   (all_views, bot_views), from day_aggregates: no dimension or one of AGGREGATE_DIMENSIONS (a
//   view's own field: page, referrer, its type, UTM, country, device, OS, browser, screen) or, for
//   views, sessions and bots, of SESSION_AGGREGATE_DIMENSIONS (entry page, exit page, source; the
//   bots family counts the other side's views under this side's sessions, rows of side 2 + b); no
//   filter or one `is` condition with one value on one of them (the dimension asked, if any, the
//   same). Conditions whose value is the same for every view (custom properties: none;
//   event:name: "pageview") are decided first: a filter that then keeps no view answers nothing,
//   one that keeps every view is no filter. Not when a session of the side lasting more than a
//   day crosses the window the compiler reads (a day either side of the range): the compiler
//   counts such a session's views in the window only.
// - events (events, scroll and engaged sums and counts), from day_event_aggregates: no dimension
//   or one of the event's own (page, name) or its session's (EVENT_SESSION_DIMENSIONS); no filter
//   or one `is` condition with one value on one of them, or on a custom property (a value other
//   than its `empty`; not grouped by one). By a session field, not when a day of the range has an
//   event more than a day from its session's first view (FAR: what the compiler joins to it
//   depends on the range).
// - by day (time:day) when every day of the range is a UTC day (a zone at offset 0 throughout):
//   the views, bots and events families, no filter or one as above, from the same rows summed per
//   day. Not the sessions family: the compiler counts a session on each day it has a matching
//   view, the aggregates on the day it starts.
// Other time buckets, two dimensions, filters on another dimension than the one asked, several
// values, and the exit page for events fall back.
import type { Database } from "../database.ts";
import { AGGREGATE_DIMENSIONS, SESSION_AGGREGATE_DIMENSIONS } from "../aggregates.ts";
import { EVENT_OWN_DIMENSIONS, EVENT_SESSION_DIMENSIONS, FAR } from "../aggregates_events.ts";
import { BOT_SCORE_THRESHOLD } from "../columns.ts";
import { dimensionFor, propKeyOf } from "../../query/dimensions.ts";
import { type Aggregate, EVENT_FAMILIES, type Family } from "../../query/metrics.ts";
import { conditionHolds, type Filter, isCondition } from "../../query/model.ts";
import type { AggregateRequest } from "./compile.ts";

const DAY_MS = 86_400_000;
/** The time bucket the aggregates hold: their UTC day. */
const BY_DAY = "time:day";
const keysOf = (...lists: (readonly { key: string }[])[]): ReadonlySet<string> =>
  new Set(lists.flat().map((d) => d.key));
const SESSION_KEYS = keysOf(SESSION_AGGREGATE_DIMENSIONS);
const KEYS = keysOf(AGGREGATE_DIMENSIONS, SESSION_AGGREGATE_DIMENSIONS);
const EVENT_SESSION_KEYS = keysOf(EVENT_SESSION_DIMENSIONS);
const EVENT_KEYS = keysOf(EVENT_OWN_DIMENSIONS, EVENT_SESSION_DIMENSIONS);

/** One group of a family, as lib/db/query/mod.ts returns it. */
interface Row {
  dimensions: string[];
  values: Record<string, number>;
}

/** A filter with the conditions that have one value for every view decided: true, false, or
 * what is left to test. */
type Reduced = boolean | Filter;

/** The value every view has for a dimension, or undefined when views differ. */
function constantForViews(key: string): string | undefined {
  if (key === "event:name") return "pageview";
  const spec = dimensionFor(key);
  return spec?.from.kind === "prop" ? spec.empty : undefined;
}

function reduce(f: Filter): Reduced {
  if (isCondition(f)) {
    const constant = constantForViews(f.dimension);
    return constant === undefined ? f : conditionHolds(f, constant);
  }
  if (f.op === "not") {
    const inner = reduce(f.filter);
    return typeof inner === "boolean" ? !inner : { op: "not", filter: inner };
  }
  const parts: Filter[] = [];
  for (const part of f.filters.map(reduce)) {
    if (part === (f.op === "or")) return part;
    if (typeof part !== "boolean") parts.push(part);
  }
  if (parts.length === 0) return f.op === "and";
  return parts.length === 1 ? parts[0] : { op: f.op, filters: parts };
}

interface Plan {
  side: 0 | 1;
  /** Grouped by UTC day (time:day) rather than by the dimension's value. */
  byDay: boolean;
  dim: string;
  /** The one value kept (a filter), or null for all. */
  value: string | null;
  /** False when the filter keeps no row. */
  any: boolean;
}

/** What every family served needs: the default bot threshold, hidden or alone; whole UTC days;
 * one dimension at most. Returns the bot side, or null. */
function side(r: AggregateRequest): 0 | 1 | null {
  if (r.sessions === "raw" || r.aggregates === false) return null;
  if (r.bots.mode === "show" || Math.trunc(r.bots.threshold) !== BOT_SCORE_THRESHOLD) return null;
  if (r.fromMs % DAY_MS !== 0 || r.toMs % DAY_MS !== 0 || r.toMs <= r.fromMs) return null;
  if (r.dimensions.length > 1) return null;
  return r.bots.mode === "only" ? 1 : 0;
}

/** The plan of a family whose dimensions are `keys` (and `filterOnly`, a filter's value for
 * which it holds), the filter reduced by `reduced`. */
function plan(
  r: AggregateRequest,
  keys: ReadonlySet<string>,
  reduced: Reduced,
  filterOnly: (key: string, value: string) => boolean = () => false,
): Plan | null {
  const bot = side(r);
  if (bot === null) return null;
  const byDay = r.dimensions[0] === BY_DAY && r.spans.every((s) => s.offsetMin === 0);
  const grouped = byDay ? null : r.dimensions[0] ?? null;
  if (grouped !== null && !keys.has(grouped)) return null;
  if (typeof reduced === "boolean") {
    return { side: bot, byDay, dim: grouped ?? "", value: null, any: reduced };
  }
  if (!isCondition(reduced) || reduced.op !== "is" || reduced.values.length !== 1) return null;
  const value = reduced.values[0];
  if (!keys.has(reduced.dimension) && !filterOnly(reduced.dimension, value)) return null;
  if (grouped !== null && grouped !== reduced.dimension) return null;
  return { side: bot, byDay, dim: reduced.dimension, value, any: true };
}

/** How the aggregates answer the request's views, sessions and bots families, or null. */
export function planAggregates(r: AggregateRequest): Plan | null {
  return plan(r, KEYS, r.filter ? reduce(r.filter) : true);
}

/** How day_event_aggregates answers the request's events family, or null: a custom property is
 * kept for the events with a value (its `empty` is the others). */
export function planEventAggregates(r: AggregateRequest): Plan | null {
  return plan(
    r,
    EVENT_KEYS,
    r.filter ?? true,
    (key, value) => propKeyOf(key) !== null && value !== dimensionFor(key)?.empty,
  );
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether no day of the range waits for a rebuild. */
function clean(db: Database, r: AggregateRequest): boolean {
  return !db.get(
    `SELECT 1 FROM aggregate_dirty WHERE site_id IN (SELECT value FROM json_each(?1))
       AND day >= ?2 AND day < ?3 LIMIT 1`,
    JSON.stringify(r.siteIds),
    day(r.fromMs),
    day(r.toMs),
  );
}

/** Whether a day of the range has an event of the side more than a day from its session's first
 * view (FAR). */
function farEvents(db: Database, r: AggregateRequest, side: 0 | 1): boolean {
  return !!db.get(
    `SELECT 1 FROM day_event_aggregates WHERE site_id IN (SELECT value FROM json_each(?1))
       AND dim = ?2 AND day >= ?3 AND day < ?4 AND bot = ?5 AND events <> 0 LIMIT 1`,
    JSON.stringify(r.siteIds),
    FAR,
    day(r.fromMs),
    day(r.toMs),
    side,
  );
}

/** Whether a session of the side lasting more than a day crosses the compiler's window. */
function longSessions(db: Database, r: AggregateRequest, side: 0 | 1): boolean {
  return !!db.get(
    `SELECT 1 FROM sessions WHERE site_id IN (SELECT value FROM json_each(?1)) AND bot = ?2
       AND julianday(last_at) - julianday(first_at) > 1 AND first_at < ?3 AND last_at >= ?4
     LIMIT 1`,
    JSON.stringify(r.siteIds),
    side,
    new Date(r.toMs + DAY_MS).toISOString(),
    new Date(r.fromMs - DAY_MS).toISOString(),
  );
}

type Served = "views" | "sessions" | "bots" | "events";
const FAMILY_OF: Record<Served, readonly Aggregate[]> = {
  views: ["pageviews", "visitors"],
  sessions: ["visits", "bounces", "session_views", "duration_ms"],
  bots: ["all_views", "bot_views"],
  events: ["events", "scroll_sum", "scroll_n", "engaged_ms", "engaged_n"],
};
/** The aggregate a group has to have counted to have a row in the family. */
const PRESENT = {
  views: "pageviews",
  sessions: "visits",
  bots: "all_views",
  events: "events",
} as const;

/** The views, sessions and bots families' sums; `session`: by a session dimension, whose bots
 * family reads the rows of side 2 + b (the views of side b under the other side's sessions). */
const viewSql = (session: boolean, byDay: boolean) =>
  `SELECT ${byDay ? "day AS value" : "value"},
    SUM(CASE WHEN bot = ?5 AND late = 0 THEN pageviews ELSE 0 END) AS pageviews,
    SUM(CASE WHEN bot = ?5 AND late = 0 THEN visitors ELSE 0 END) AS visitors,
    ${
    session
      ? `SUM(CASE WHEN bot IN (?5, 3 - ?5) THEN pageviews ELSE 0 END) AS all_views,
    SUM(CASE WHEN bot IN (?5, 3 - ?5) AND bot IN (1, 3) THEN pageviews ELSE 0 END) AS bot_views,`
      : `SUM(CASE WHEN late = 0 AND bot IN (0, 1) THEN pageviews ELSE 0 END) AS all_views,
    SUM(CASE WHEN bot = 1 AND late = 0 THEN pageviews ELSE 0 END) AS bot_views,`
  }
    ${
    FAMILY_OF.sessions.map((c) =>
      `SUM(CASE WHEN bot = ?5 AND (late = 0 OR julianday(day) + late < julianday(?3))
      THEN ${c} ELSE 0 END) AS ${c}`
    ).join(",\n    ")
  }
  FROM day_aggregates
  WHERE site_id IN (SELECT value FROM json_each(?1)) AND dim = ?2 AND day >= ?4 AND day < ?3
    AND (?6 IS NULL OR value = ?6)
  GROUP BY ${byDay ? "day" : "value"}`;

const eventSql = (byDay: boolean) =>
  `SELECT ${byDay ? "day AS value" : "value"},
    ${FAMILY_OF.events.map((c) => `SUM(${c}) AS ${c}`).join(", ")}
  FROM day_event_aggregates
  WHERE site_id IN (SELECT value FROM json_each(?1)) AND dim = ?2 AND day >= ?4 AND day < ?3
    AND bot = ?5 AND (?6 IS NULL OR value = ?6)
  GROUP BY ${byDay ? "day" : "value"}`;

/** Each statement by [session dimension, by day] (views) and [by day] (events). */
const VIEW_SQL = [false, true].map((session) => [false, true].map((d) => viewSql(session, d)));
const EVENT_SQL = [false, true].map(eventSql);

/** The families' groups from `sql`'s rows under `plan`. */
function serve(
  db: Database,
  r: AggregateRequest,
  plan: Plan,
  sql: string,
  families: readonly Served[],
  out: Map<Family, Row[]>,
) {
  const grouped = r.dimensions.length === 1;
  const rows = plan.any
    ? db.all<Record<string, string | number>>(
      sql,
      JSON.stringify(r.siteIds),
      plan.dim,
      day(r.toMs),
      day(r.fromMs),
      plan.side,
      plan.value,
    )
    : [];
  for (const family of families) {
    const list: Row[] = [];
    const totals = Object.fromEntries(FAMILY_OF[family].map((a) => [a, 0]));
    for (const row of rows) {
      const values = Object.fromEntries(FAMILY_OF[family].map((a) => [a, Number(row[a])]));
      if (!grouped) { for (const a of FAMILY_OF[family]) totals[a] += values[a]; }
      else if (values[PRESENT[family]] > 0) {
        list.push({ dimensions: [String(row.value)], values });
      }
    }
    // No dimension: one row, as the compiler's (zeros when nothing counted).
    if (!grouped) list.push({ dimensions: [], values: totals });
    out.set(family, list);
  }
}

/**
 * The families of `families` the aggregates answer, each with its groups; null when they answer
 * none of them (the caller counts the others from the rows).
 */
export function aggregatedFamilies(
  db: Database,
  r: AggregateRequest,
  families: readonly Family[],
): Map<Family, Row[]> | null {
  const viewFamilies = families.filter((f) => !EVENT_FAMILIES.has(f)) as Served[];
  const views = viewFamilies.length ? planAggregates(r) : null;
  const events = families.includes("events") ? planEventAggregates(r) : null;
  if ((!views && !events) || !clean(db, r)) return null;
  const out = new Map<Family, Row[]>();
  if (views && !longSessions(db, r, views.side)) {
    const sql = VIEW_SQL[Number(SESSION_KEYS.has(views.dim))][Number(views.byDay)];
    // By day: not the sessions family (see the file header).
    const served = viewFamilies.filter((f) => !views.byDay || f !== "sessions");
    if (served.length) serve(db, r, views, sql, served, out);
  }
  if (events && !(EVENT_SESSION_KEYS.has(events.dim) && farEvents(db, r, events.side))) {
    serve(db, r, events, EVENT_SQL[Number(events.byDay)], ["events"], out);
  }
  return out.size ? out : null;
}

/** Whether the aggregates answer the request's `family` (tests, bench). */
export function servedByAggregates(
  db: Database,
  r: AggregateRequest,
  family: Family = "views",
): boolean {
  return aggregatedFamilies(db, r, [family])?.has(family) ?? false;
}
