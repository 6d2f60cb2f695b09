// Answers from the per-day aggregates (lib/db/aggregates.ts, lib/db/aggregates_events.ts) the
// questions they hold exactly; the compiler's path over raw rows and the sessions table
// (compile.ts) answers the rest, family by family.
//
// Every family served needs: bots hidden or shown alone at the default threshold
// (BOT_SCORE_THRESHOLD), one side each (all shown, or another threshold, falls back: a visitor on
// both sides is one visitor); a range of whole days of the zone the sites' aggregates are kept in
// (their stored zone, one for all the sites asked: lib/db/local_day.ts; other ranges fall back);
// no day of the range waiting in aggregate_dirty for a rebuild; one dimension at most.
// - views (pageviews, visitors), sessions (visits, bounces, session_views, duration_ms), bots
//   (all_views, bot_views), from day_aggregates: no dimension or one of AGGREGATE_DIMENSIONS (a
//   view's own field: page, referrer, its type, UTM, country, device, OS, browser, screen) or, for
//   views, sessions and bots, of SESSION_AGGREGATE_DIMENSIONS (entry page, exit page, source; the
//   bots family counts the other side's views under this side's sessions, rows of side 2 + b); no
//   filter or one `is` condition with one value on one of them (the dimension asked, if any, the
//   same). Conditions whose value is the same for every view (custom properties: none;
//   event:name: "pageview") are decided first: a filter that then keeps no view answers nothing,
//   one that keeps every view is no filter. The views family alone, by a dimension under exactly
//   its `exclude` filter (`is_not` the other field's values: the overview's referrer list), from
//   that list's own rows (EXCLUDING_DIMENSIONS). Not when a session of the side lasting more than a
//   day crosses the window the compiler reads (a day either side of the range): the compiler
//   counts such a session's views in the window only.
// - events (events, scroll and engaged sums and counts), from day_event_aggregates: no dimension
//   or one of the event's own (page, name) or its session's (EVENT_SESSION_DIMENSIONS); no filter
//   or one `is` condition with one value on one of them, or on a custom property (a value other
//   than its `empty`; not grouped by one). By a session field, not when a day of the range has an
//   event more than a day from its session's first view (FAR: what the compiler joins to it
//   depends on the range).
// - by day (time:day) when the request's days are those days (its zone's offsets over the range
//   are the stored zone's): the views, bots and events families, no filter or one as above, from
//   the same rows summed per day; the sessions family without a filter: a session on each day it
//   has a view, from the sessions starting that day and the later days of those starting in the
//   range (VISIT_DAYS). Under a filter it falls back (the compiler counts a session on each day it
//   has a matching view, the aggregates hold no values per later day).
// Other time buckets, two dimensions, filters on another dimension than the one asked, several
// values, and the exit page for events fall back.
import type { Database } from "../database.ts";
import {
  AGGREGATE_DIMENSIONS,
  EXCLUDING_DIMENSIONS,
  SESSION_AGGREGATE_DIMENSIONS,
  VISIT_DAYS,
} from "../aggregates.ts";
import { EVENT_OWN_DIMENSIONS, EVENT_SESSION_DIMENSIONS, FAR } from "../aggregates_events.ts";
import { BOT_SCORE_THRESHOLD } from "../columns.ts";
import { dimensionFor, propKeyOf } from "../../query/dimensions.ts";
import { type Aggregate, EVENT_FAMILIES, type Family } from "../../query/metrics.ts";
import { conditionHolds, type Filter, isCondition } from "../../query/model.ts";
import type { AggregateRequest } from "./compile.ts";
import { isUtcZone } from "../local_day.ts";
import { localDate, localDayStart, type OffsetSpan, offsetSpans } from "../../query/time_zone.ts";

const DAY_MS = 86_400_000;
/** The time bucket the aggregates hold: their day (in the sites' stored zone). */
const BY_DAY = "time:day";
const keysOf = (...lists: (readonly { key: string }[])[]): ReadonlySet<string> =>
  new Set(lists.flat().map((d) => d.key));
const SESSION_KEYS = keysOf(SESSION_AGGREGATE_DIMENSIONS);
const KEYS = keysOf(AGGREGATE_DIMENSIONS, SESSION_AGGREGATE_DIMENSIONS);
const EVENT_SESSION_KEYS = keysOf(EVENT_SESSION_DIMENSIONS);
const EXCLUDING_KEYS = keysOf(EXCLUDING_DIMENSIONS);
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

/** The range as days of the zone the sites' aggregates are kept in: [from, to) (YYYY-MM-DD);
 * `sameDays`: the request's day buckets (its zone's offsets) are those days. */
interface Days {
  from: string;
  to: string;
  sameDays: boolean;
}

interface Plan {
  side: 0 | 1;
  /** Grouped by day (time:day) rather than by the dimension's value. */
  byDay: boolean;
  dim: string;
  /** The one value kept (a filter), or null for all. */
  value: string | null;
  /** False when the filter keeps no row. */
  any: boolean;
}

/** What every family served needs: the default bot threshold, hidden or alone; whole days (`days`);
 * one dimension at most. Returns the bot side, or null. */
function side(r: AggregateRequest, days: Days | null): 0 | 1 | null {
  if (r.sessions === "raw" || r.aggregates === false || days === null) return null;
  if (r.bots.mode === "show" || Math.trunc(r.bots.threshold) !== BOT_SCORE_THRESHOLD) return null;
  if (r.dimensions.length > 1) return null;
  return r.bots.mode === "only" ? 1 : 0;
}

/** The plan of a family whose dimensions are `keys` (and `filterOnly`, a filter's value for
 * which it holds), the filter reduced by `reduced`. */
function plan(
  r: AggregateRequest,
  days: Days | null,
  keys: ReadonlySet<string>,
  reduced: Reduced,
  filterOnly: (key: string, value: string) => boolean = () => false,
): Plan | null {
  const bot = side(r, days);
  if (bot === null) return null;
  const byDay = r.dimensions[0] === BY_DAY && days!.sameDays;
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

/** The excluding dimension whose rows answer a request by `dimension` under `filter` (exactly its
 * exclusion), if any. */
function excludingKey(dimension: string | undefined, filter: Reduced): string | null {
  if (typeof filter === "boolean" || !isCondition(filter) || filter.op !== "is_not") return null;
  const found = EXCLUDING_DIMENSIONS.find((d) =>
    d.spec.key === dimension && d.other.key === filter.dimension &&
    d.values.length === filter.values.length && d.values.every((v, i) => v === filter.values[i])
  );
  return found?.key ?? null;
}

/** How the aggregates answer the request's views, sessions and bots families, or null. */
function planAggregates(r: AggregateRequest, days: Days | null): Plan | null {
  const reduced = r.filter ? reduce(r.filter) : true;
  const excluding = excludingKey(r.dimensions[0], reduced);
  if (excluding !== null) {
    const answered = plan(r, days, KEYS, true);
    return answered && { ...answered, dim: excluding };
  }
  return plan(r, days, KEYS, reduced);
}

/** How day_event_aggregates answers the request's events family, or null: a custom property is
 * kept for the events with a value (its `empty` is the others). */
function planEventAggregates(r: AggregateRequest, days: Days | null): Plan | null {
  return plan(
    r,
    days,
    EVENT_KEYS,
    r.filter ?? true,
    (key, value) => propKeyOf(key) !== null && value !== dimensionFor(key)?.empty,
  );
}

/** The request's range as whole days of the zone its sites' aggregates are kept in (one zone
 * for all), or null. A UTC request on UTC sites reads no zone. */
function daysOf(db: Database, r: AggregateRequest): Days | null {
  if (r.toMs <= r.fromMs) return null;
  const utcRequest = r.spans.every((s) => s.offsetMin === 0);
  if (utcRequest && (r.fromMs % DAY_MS !== 0 || r.toMs % DAY_MS !== 0)) return null;
  const zones = db.all<{ zone: string | null }>(
    `SELECT DISTINCT z.time_zone AS zone FROM json_each(?1) j
       LEFT JOIN site_settings z ON z.site_id = j.value`,
    JSON.stringify(r.siteIds),
  ).map((row) => isUtcZone(row.zone) ? "UTC" : row.zone!);
  if (new Set(zones).size !== 1) return null;
  const zone = zones[0];
  const from = localDate(zone, r.fromMs), to = localDate(zone, r.toMs);
  if (localDayStart(zone, from) !== r.fromMs || localDayStart(zone, to) !== r.toMs) return null;
  const sameDays = zone === "UTC" ? utcRequest : within(r.spans, r.fromMs, r.toMs) ===
    within(offsetSpans(zone, r.fromMs, r.toMs), r.fromMs, r.toMs);
  return { from, to, sameDays };
}

/** The offsets of `spans` over [fromMs, toMs) (a change at most once per offset), comparable. */
function within(spans: readonly OffsetSpan[], fromMs: number, toMs: number): string {
  const out: [number, number][] = [];
  spans.forEach((span, i) => {
    const end = spans[i + 1]?.startMs ?? Infinity;
    if (end <= fromMs || span.startMs >= toMs) return;
    if (out.length && out[out.length - 1][1] === span.offsetMin) return;
    out.push([Math.max(span.startMs, fromMs), span.offsetMin]);
  });
  return JSON.stringify(out);
}

/** Whether no day of the range waits for a rebuild. */
function clean(db: Database, r: AggregateRequest, days: Days): boolean {
  return !db.get(
    `SELECT 1 FROM aggregate_dirty WHERE site_id IN (SELECT value FROM json_each(?1))
       AND day >= ?2 AND day < ?3 LIMIT 1`,
    JSON.stringify(r.siteIds),
    days.from,
    days.to,
  );
}

/** Whether a day of the range has an event of the side more than a day from its session's first
 * view (FAR). */
function farEvents(db: Database, r: AggregateRequest, days: Days, side: 0 | 1): boolean {
  return !!db.get(
    `SELECT 1 FROM day_event_aggregates WHERE site_id IN (SELECT value FROM json_each(?1))
       AND dim = ?2 AND day >= ?3 AND day < ?4 AND bot = ?5 AND events <> 0 LIMIT 1`,
    JSON.stringify(r.siteIds),
    FAR,
    days.from,
    days.to,
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

/** The sessions family by day, unfiltered: the sessions starting each day, and each later day of
 * a session starting in the range (?4 to ?3) with a view on it. */
const VISITS_BY_DAY_SQL = `SELECT value, ${
  FAMILY_OF.sessions.map((c) => `SUM(${c}) AS ${c}`).join(", ")
} FROM (
    SELECT day AS value, ${FAMILY_OF.sessions.join(", ")} FROM day_aggregates
    WHERE site_id IN (SELECT value FROM json_each(?1)) AND dim = ?2 AND day >= ?4 AND day < ?3
      AND bot = ?5 AND late = 0 AND ?6 IS NULL
    UNION ALL
    SELECT date(day, '+' || late || ' days'), ${FAMILY_OF.sessions.join(", ")} FROM day_aggregates
    WHERE site_id IN (SELECT value FROM json_each(?1)) AND dim = '${VISIT_DAYS}' AND day >= ?4
      AND day < ?3 AND bot = ?5 AND date(day, '+' || late || ' days') < ?3
  ) GROUP BY value`;

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
  days: Days,
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
      days.to,
      days.from,
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
  const viewFamilies = families.filter((f): f is Served =>
    !EVENT_FAMILIES.has(f) && f in FAMILY_OF
  );
  // Cheap checks first: a request that cannot be served reads nothing.
  if (side(r, { from: "", to: "", sameDays: true }) === null) return null;
  const days = daysOf(db, r);
  const views = viewFamilies.length ? planAggregates(r, days) : null;
  const events = families.includes("events") ? planEventAggregates(r, days) : null;
  if ((!views && !events) || !clean(db, r, days!)) return null;
  const out = new Map<Family, Row[]>();
  if (views && !longSessions(db, r, views.side)) {
    const sql = VIEW_SQL[Number(SESSION_KEYS.has(views.dim))][Number(views.byDay)];
    // By day: the sessions family unfiltered only, by its own statement; an excluding dimension:
    // the views family alone (see the file header).
    const served = viewFamilies.filter((f) =>
      (!views.byDay || f !== "sessions") && (!EXCLUDING_KEYS.has(views.dim) || f === "views")
    );
    if (served.length) serve(db, r, days!, views, sql, served, out);
    if (views.byDay && viewFamilies.includes("sessions") && views.dim === "") {
      serve(db, r, days!, views, VISITS_BY_DAY_SQL, ["sessions"], out);
    }
  }
  if (events && !(EVENT_SESSION_KEYS.has(events.dim) && farEvents(db, r, days!, events.side))) {
    serve(db, r, days!, events, EVENT_SQL[Number(events.byDay)], ["events"], out);
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
