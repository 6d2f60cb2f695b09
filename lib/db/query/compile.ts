// The query compiler: one SQL statement per family of aggregates (lib/query/metrics.ts) over raw
// rows, grouped by the query's dimensions, through a dialect (dialect.ts).
//
// Rows and sessions, as the reports of lib/stats count them:
// - `w`: the sites' page views from a day before the range to a day after it, visitors the admin
//   excluded left out, each marked `kept` by the bot setting (hide: score below the threshold;
//   show: all; only: at or above it).
// - `s`: sessions (one tab's session_id, else the visitor id) of the kept views, with their entry
//   view's attributes, exit page, page count and length; a session counts in the range its first
//   view falls in, its later views (up to a day past the range) included.
//   It is read from the sessions table (lib/db/session_table.ts), which the writer keeps current,
//   unless bots are hidden or shown alone at another threshold than the table's; only sessions
//   crossing the window's edges (and, all views kept, those on both bot sides) are built from
//   their views there.
// - views: kept views in the range, with their session's entry page, exit page and source.
// - events: the sites' events in the range (same bot rule on their own score), with their session.
// - bots: every view in the range, kept or not (the bot share).
// A filter applies to the rows each family counts; session metrics count the sessions with a
// matching view (and all of their views). Its parts on a row's own columns are tested before the
// row is joined to its session; when every row joined is narrowed so, those rows are kept first
// and only their sessions are built (sources(): a filtered breakdown reads its matching rows'
// sessions, not the window's every session); views kept so look theirs up on the sessions table
// (joinedSessions).
import {
  dimensionFor,
  type DimensionSpec,
  propKeyOf,
  type RowField,
} from "../../query/dimensions.ts";
import { fieldColumn, sourceSql } from "./fields.ts";
import {
  type Aggregate,
  AGGREGATES,
  type EngineFamily,
  EVENT_FAMILIES,
  type Family,
} from "../../query/metrics.ts";
import { type Condition, conditionHolds, type Filter, isCondition } from "../../query/model.ts";
import { goalConditions, mentionsGoal } from "../../query/goals.ts";
import { conversionRows, convertingVisits, visitConverted } from "./goals.ts";
import type { SqlParam } from "../database.ts";
import { notExcludedPredicate } from "../bots.ts";
import { BOT_SCORE_THRESHOLD } from "../columns.ts";
import { SESSION_ENTRY_COLUMNS } from "../session_table.ts";
import type { Dialect } from "./dialect.ts";
import type { AggregateQuery } from "../../store/analytics.ts";

/** What one execution counts: the compiler's input, the store's AggregateQuery
 * (lib/store/analytics.ts) and how this engine finds sessions. */
export interface AggregateRequest extends AggregateQuery {
  /** Where sessions come from: the sessions table when it can answer (the default), or the raw
   * rows ("raw", what the table is checked against). */
  sessions?: "table" | "raw";
  /** False: never answer from the per-day aggregates (./aggregated.ts), what they are checked
   * against. */
  aggregates?: boolean;
}

export interface Compiled {
  sql: string;
  params: SqlParam[];
}

const DAY_MS = 86_400_000;

/** Numbered parameters (`?1`, `?2`…), so fragments may be written in any order. */
class Params {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The attributes a session takes from its first view: where it came from, and who came. */
const ENTRY_COLUMNS = SESSION_ENTRY_COLUMNS;

export function keptPredicate(bots: AggregateRequest["bots"], column = "bot_score"): string {
  const t = Math.trunc(bots.threshold);
  if (bots.mode === "show") return "1";
  return bots.mode === "only" ? `${column} >= ${t}` : `${column} < ${t}`;
}

/** Collects the row fields and property keys a query reads, and names their columns. */
function referencedKeys(r: AggregateRequest): string[] {
  const keys = new Set(r.dimensions);
  const walk = (f: Filter | null) => {
    if (!f) return;
    if (isCondition(f)) keys.add(f.dimension);
    else if ("filters" in f) f.filters.forEach(walk);
    else walk(f.filter);
  };
  walk(r.filter);
  return [...keys];
}

interface Relation {
  /** The SELECT list of a family's rows: the dimension and filter columns. */
  columns: string;
  /** The SQL of a dimension's value (over those columns). */
  value: (spec: DimensionSpec) => string;
  /** A condition on event:goal over the row's visit (goals.ts visitConverted). */
  goal: (c: Condition) => string;
}

/** A condition on event:goal over a row whose visit is (`site`, `sk`), for filterSql. */
const goalTest = (d: Dialect, p: Params, site: string, sk: string) => (c: Condition) =>
  visitConverted(c, site, sk, (name) => conditionSql(d, p, positive(c), name));

/** A condition with its negation removed (is_not: is…). */
const positive = (c: Condition): Condition => ({
  ...c,
  op: c.op.endsWith("_not") ? c.op.slice(0, -4) as Condition["op"] : c.op,
});

function relation(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  row: "view" | "event",
  session = "s",
): Relation {
  const keys = referencedKeys(r);
  const names = new Map<string, string>();
  const columns: string[] = [];
  keys.forEach((key, i) => {
    const spec = dimensionFor(key)!;
    const name = `k${i}`;
    names.set(key, name);
    if (spec.from.kind === "field") {
      columns.push(`${fieldColumn(spec.from.field, row, "w", session)} AS ${name}`);
    } else if (spec.from.kind === "prop") {
      // Views have no properties; a parameter the statement does not use is an error in SQLite.
      const value = row === "event"
        ? d.jsonProp("e.data", p.add(d.jsonPath(propKeyOf(key)!)))
        : "NULL";
      columns.push(`${value} AS ${name}`);
    }
  });
  return {
    columns: columns.map((c) => `, ${c}`).join(""),
    value: (spec) =>
      spec.from.kind === "time"
        ? d.timeBucket("created_at", spec.from.unit, r.spans)
        // A goal is a conversion row's (goals.ts conversionRows), not a view's or an event's.
        : spec.from.kind === "goal"
        ? "NULL"
        : `COALESCE(${names.get(spec.key)}, ${quote(spec.empty)})`,
    // Qualified: inside the test's subquery a bare name is the subquery's (rowsOf's alias `rr`).
    goal: goalTest(d, p, "rr.site_id", "rr.sk"),
  };
}

function filterSql(d: Dialect, p: Params, f: Filter, rel: Relation): string {
  switch (f.op) {
    case "and":
    case "or":
      return `(${f.filters.map((x) => filterSql(d, p, x, rel)).join(` ${f.op.toUpperCase()} `)})`;
    case "not":
      return `NOT ${filterSql(d, p, f.filter, rel)}`;
  }
  const spec = dimensionFor(f.dimension)!;
  return spec.from.kind === "goal" ? rel.goal(f) : conditionSql(d, p, f, rel.value(spec));
}

/** A condition over the SQL of its dimension's value. */
function conditionSql(d: Dialect, p: Params, f: Condition, value: string): string {
  const any = (one: (param: string) => string) =>
    `(${f.values.map((v) => one(p.add(v))).join(" OR ")})`;
  switch (f.op) {
    case "is":
      return d.inList(value, p.add(JSON.stringify(f.values)));
    case "is_not":
      return `NOT ${d.inList(value, p.add(JSON.stringify(f.values)))}`;
    case "contains":
      return any((param) => d.contains(value, param));
    case "contains_not":
      return `NOT ${any((param) => d.contains(value, param))}`;
    case "matches":
      return any((param) => d.matches(value, param));
    case "matches_not":
      return `NOT ${any((param) => d.matches(value, param))}`;
  }
}

/** The sessions table's bot side a request reads ("both" when every view is kept), or null when
 * it must build sessions from the raw rows (a threshold other than the one the table splits at,
 * or asked to). */
function tableSide(r: AggregateRequest): TableSide | null {
  if (r.sessions === "raw") return null;
  if (r.bots.mode === "show") return "both";
  if (Math.trunc(r.bots.threshold) !== BOT_SCORE_THRESHOLD) return null;
  return r.bots.mode === "only" ? 1 : 0;
}

type TableSide = 0 | 1 | "both";

/** The sessions (`s`'s columns) of grouped views `g` (site_id, sk, n, first_id, last_id). */
function sessionsOfGroups(d: Dialect, g: string, range: { from: string; to: string }): string {
  return `SELECT g.site_id, g.sk, g.n, f.path AS entry_page, l.path AS exit_page,
        ${ENTRY_COLUMNS.map((c) => `f.${c}`).join(", ")},
        ${sourceSql("f")} AS source,
        ${d.durationMs("f.created_at", "l.created_at")} AS duration_ms,
        f.created_at >= ${range.from} AND f.created_at < ${range.to} AS in_range
      -- CROSS JOIN keeps the sessions outside: two rowid lookups each.
      FROM ${g} g CROSS JOIN visitor_views f ON f.id = g.first_id
        CROSS JOIN visitor_views l ON l.id = g.last_id`;
}

/**
 * The sessions of the window from the sessions table (lib/db/session_table.ts): those wholly
 * inside it as stored; those crossing its start or end (a session is the window's views only)
 * built from their views in the window, found by key.
 */
function tableSessions(
  d: Dialect,
  side: TableSide,
  sites: string,
  window: { from: string; to: string },
  range: { from: string; to: string },
  keys: string | null,
): string {
  const mine = `site_id IN (SELECT value FROM json_each(${sites}))
    AND bot ${side === "both" ? "IN (0, 1)" : `= ${side}`}`;
  const kept = side === "both" ? "1" : `v.bot_score ${side ? ">=" : "<"} ${BOT_SCORE_THRESHOLD}`;
  const inWindow = `v.created_at >= ${window.from} AND v.created_at < ${window.to}
    AND ${kept} AND ${notExcludedPredicate("v.visitor_id")}`;
  const starts = `first_at >= ${window.from} AND first_at < ${window.to}`;
  // All views kept: a session with views on both bot sides is built from its views too.
  const split = `EXISTS (SELECT 1 FROM sessions o
    WHERE o.site_id = sessions.site_id AND o.sk = sessions.sk AND o.bot <> sessions.bot)`;
  // `+first_at`: the sessions ending in the window are found on idx_sessions_last; on
  // idx_sessions_first SQLite read every session before the window (the site's whole history).
  // INDEXED BY: for the UNION's merge, SQLite read the site's every session in key order
  // (sqlite_autoindex_sessions_1) rather than the window's on these (0.9 s at 1M views).
  // Those ending past the window: a session of a day at most starts in its last day (the day
  // after the range); longer ones are on idx_sessions_long (migration 16), so the window's other
  // sessions are not read for their end.
  const needed = keys ? ` AND (site_id, sk) IN (SELECT site_id, sk FROM ${keys})` : "";
  const long = "julianday(last_at) - julianday(first_at) > 1";
  return `edge AS (
      SELECT site_id, sk FROM sessions INDEXED BY idx_sessions_first
      WHERE ${mine} AND first_at >= ${range.to} AND first_at < ${window.to}
        AND last_at >= ${window.to}${needed}
      UNION
      SELECT site_id, sk FROM sessions INDEXED BY idx_sessions_long
      WHERE ${mine} AND ${starts} AND last_at >= ${window.to} AND ${long}${needed}
      UNION
      SELECT site_id, sk FROM sessions INDEXED BY idx_sessions_last
      WHERE ${mine} AND last_at >= ${window.from} AND +first_at < ${window.from}${needed}${
    side === "both"
      ? `
      UNION
      SELECT site_id, sk FROM sessions INDEXED BY idx_sessions_first
      WHERE ${mine} AND ${starts} AND ${split}${needed}`
      : ""
  }
    ),
    ev AS (
      SELECT e.site_id, e.sk, v.id, v.created_at FROM edge e CROSS JOIN visitor_views v
        ON v.session_id = substr(e.sk, 2) AND v.site_id = e.site_id
      WHERE e.sk LIKE 's%' AND ${inWindow}
      UNION ALL
      SELECT e.site_id, e.sk, v.id, v.created_at FROM edge e CROSS JOIN visitor_views v
        ON v.visitor_id = substr(e.sk, 2) AND v.site_id = e.site_id
      WHERE e.sk LIKE 'v%' AND v.session_id IS NULL AND ${inWindow}
    ),
    sg AS (
      SELECT site_id, sk, COUNT(*) AS n, ${d.firstId("created_at", "id")} AS first_id,
        ${d.lastId("created_at", "id")} AS last_id
      FROM ev GROUP BY site_id, sk
    ),
    s AS MATERIALIZED (
      ${sessionsOfGroups(d, "sg", range)}
      UNION ALL
      SELECT site_id, sk, views, entry_page, exit_page, ${ENTRY_COLUMNS.join(", ")},
        ${sourceSql("")},
        ${d.durationMs("first_at", "last_at")},
        first_at >= ${range.from} AND first_at < ${range.to}
      FROM ${
    keys
      ? `(SELECT t.* FROM ${keys} k CROSS JOIN sessions t ON t.site_id = k.site_id AND t.sk = k.sk)
        sessions`
      : "sessions"
  }
      WHERE ${mine} AND ${starts} AND last_at < ${window.to} AND ${notExcludedPredicate()}
        ${side === "both" ? `AND NOT ${split}` : ""}
    )`;
}

/** The range's bounds as parameters. */
function rangeParams(p: Params, r: AggregateRequest): { from: string; to: string } {
  return {
    from: p.add(new Date(r.fromMs).toISOString()),
    to: p.add(new Date(r.toMs).toISOString()),
  };
}

/** The columns of `w` but its session key, over the visitor_views row `v`. */
function viewColumns(r: AggregateRequest, v: string): string {
  const columns = ["id", "site_id", "visitor_id", "created_at", "path", "bot_score", "bot_reason"];
  return `${[...columns, "pow_verdict", ...ENTRY_COLUMNS].map((c) => `${v}.${c}`).join(", ")},
        ${keptPredicate(r.bots, `${v}.bot_score`)} AS kept`;
}

/** The range's views (`w`'s rows) whose session is one of `keys` (site_id, sk): found by their
 * session id or, without one, their visitor id (index lookups, not the range's every view). */
function viewsOfKeys(range: { from: string; to: string }, r: AggregateRequest, keys: string) {
  const own = `v.created_at >= ${range.from} AND v.created_at < ${range.to}
      AND ${notExcludedPredicate("v.visitor_id")}`;
  return `SELECT ${viewColumns(r, "v")}, k.sk FROM ${keys} k CROSS JOIN visitor_views v
        ON v.session_id = substr(k.sk, 2) AND v.site_id = k.site_id
      WHERE k.sk LIKE 's%' AND ${own}
      UNION ALL
      SELECT ${viewColumns(r, "v")}, k.sk FROM ${keys} k CROSS JOIN visitor_views v
        ON v.visitor_id = substr(k.sk, 2) AND v.site_id = k.site_id
      WHERE k.sk LIKE 'v%' AND v.session_id IS NULL AND ${own}`;
}

/** The views and sessions every family starts from (see the file header). `needed`: CTEs over `w`
 * (after it) and the one of them holding the keys (site_id, sk, distinct) of the only sessions the
 * statement joins, or null for all of the window's. */
function baseCtes(
  p: Params,
  d: Dialect,
  r: AggregateRequest,
  range: { from: string; to: string },
  needed: { ctes: string[]; keys: string | null } | null = null,
) {
  const sites = p.add(JSON.stringify(r.siteIds));
  const window = {
    from: p.add(new Date(r.fromMs - DAY_MS).toISOString()),
    to: p.add(new Date(r.toMs + DAY_MS).toISOString()),
  };
  const side = tableSide(r);
  const w = `w AS (
      SELECT ${viewColumns(r, "visitor_views")},
        CASE WHEN session_id IS NOT NULL THEN 's' || session_id ELSE 'v' || visitor_id END AS sk
      FROM visitor_views
      WHERE site_id IN (SELECT value FROM json_each(${sites}))
        AND created_at >= ${window.from} AND created_at < ${window.to}
        AND ${notExcludedPredicate()}
    )`;
  const head = [w, ...(needed?.ctes ?? [])].join(",\n    ");
  const keys = needed?.keys ?? null;
  if (side !== null) return `${head},\n    ${tableSessions(d, side, sites, window, range, keys)}`;
  return `${head},
    sg AS (
      SELECT site_id, sk, COUNT(*) AS n, ${d.firstId("created_at", "id")} AS first_id,
        ${d.lastId("created_at", "id")} AS last_id
      FROM w WHERE kept${
    keys ? ` AND (site_id, sk) IN (SELECT site_id, sk FROM ${keys})` : ""
  } GROUP BY site_id, sk
    ),
    s AS MATERIALIZED (
      ${sessionsOfGroups(d, "sg", range)}
    )`;
}

/** A visitor's distinct key: its id, with its site's when the request reads several sites (a
 * string built per row, and a larger distinct set, only then). */
const visitorKey = (r: AggregateRequest) =>
  r.siteIds.length === 1 ? "visitor_id" : "site_id || char(31) || visitor_id";

/** The day a visitor counts once in, summed over the range: the request's local day (visitor ids
 * rotate daily; the per-day aggregates keep each site's local days, lib/db/aggregates.ts), the
 * UTC day's text for a zone at offset 0 throughout. */
const visitorDay = (d: Dialect, r: AggregateRequest) =>
  r.spans.every((s) => s.offsetMin === 0)
    ? d.utcDay("created_at")
    : d.timeBucket("created_at", "day", r.spans);

/** Each family's aggregates over its rows (`rel`), grouped by the dimensions `dims` (+ GROUP BY). */
const AGGREGATE_SQL: Record<
  EngineFamily,
  (d: Dialect, dims: string, rel: string, r: AggregateRequest) => string
> = {
  views: (d, dims, rel, r) =>
    `SELECT ${dims}SUM(c) AS pageviews, SUM(dv) AS visitors FROM (
       SELECT ${dims}COUNT(*) AS c, COUNT(DISTINCT ${visitorKey(r)}) AS dv
       FROM ${rel} WHERE matched AND kept GROUP BY ${dims}${visitorDay(d, r)})`,
  sessions: (_d, dims, rel) =>
    `SELECT ${dims}COUNT(*) AS visits, SUM(n = 1) AS bounces, SUM(n) AS session_views,
       SUM(duration_ms) AS duration_ms
     FROM (SELECT DISTINCT ${dims}site_id, sk, n, duration_ms FROM ${rel}
       WHERE matched AND kept AND in_range)`,
  // Per day first, as the views (visitorDay).
  events: (d, dims, rel, r) =>
    `SELECT ${dims}SUM(c) AS events, SUM(ss) AS scroll_sum,
       SUM(sn) AS scroll_n, SUM(es) AS engaged_ms, SUM(en) AS engaged_n FROM (
       SELECT ${dims}COUNT(*) AS c,
         SUM(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END) AS ss,
         COUNT(CASE WHEN event_type = 'pageview_end' THEN scroll_pct END) AS sn,
         SUM(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END) AS es,
         COUNT(CASE WHEN event_type = 'pageview_end' THEN engaged_ms END) AS en
       FROM ${rel} WHERE matched GROUP BY ${dims}${visitorDay(d, r)})`,
  event_visitors: (d, dims, rel, r) =>
    `SELECT ${dims}SUM(dv) AS event_visitors FROM (
       SELECT ${dims}COUNT(DISTINCT ${visitorKey(r)}) AS dv
       FROM ${rel} WHERE matched GROUP BY ${dims}${visitorDay(d, r)})`,
  bots: (_d, dims, rel, r) =>
    `SELECT ${dims}COUNT(*) AS all_views,
       SUM(bot_score >= ${Math.trunc(r.bots.threshold)}) AS bot_views
     FROM ${rel} WHERE matched`,
  // Over the conversion rows (`rc`, goals.ts conversionRows); per day first, as the views.
  conversions: (d, dims, rel, r) =>
    `SELECT ${dims}SUM(c) AS conversions, SUM(dv) AS unique_conversions FROM (
       SELECT ${dims}COUNT(*) AS c, COUNT(DISTINCT ${visitorKey(r)}) AS dv
       FROM ${rel} GROUP BY ${dims}${visitorDay(d, r)})`,
};

/** Whether a family counts views, events, or (the conversions) both. */
const countsViews = (f: Family) => !EVENT_FAMILIES.has(f);
const countsEvents = (f: Family) => EVENT_FAMILIES.has(f) || f === "conversions";
/** The relation a family's aggregates are computed over. */
const relationOf = (f: Family) => f === "conversions" ? "rc" : EVENT_FAMILIES.has(f) ? "re" : "rv";

/** The CTE of the visits with a conversion (goals.ts convertingVisits), when a filter reads it. */
function goalCtes(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  range: { from: string; to: string },
  filters: readonly (Filter | null)[],
): string[] {
  if (!filters.some(mentionsGoal)) return [];
  const sites = p.add(JSON.stringify(r.siteIds));
  return [convertingVisits(d, sites, range, (column) => keptPredicate(r.bots, column))];
}

/** The conversion rows' CTE (`rc`): those of the goals the filter's top-level goal conditions
 * keep (all the sites' goals without any). */
function conversionCte(d: Dialect, p: Params, r: AggregateRequest): string {
  const counted = goalConditions(r.filter).map((c) => conditionSql(d, p, c, "g.name"));
  return `rc AS (${conversionRows(d, r.dimensions, counted.join(" AND ") || "1")})`;
}

/** The sites' events in the range (the bot rule on their own score), with their session key. */
function eventRows(p: Params, r: AggregateRequest, range: { from: string; to: string }): string {
  const sites = p.add(JSON.stringify(r.siteIds));
  return `SELECT *, CASE WHEN session_id IS NOT NULL THEN 's' || session_id
          WHEN visitor_id IS NOT NULL THEN 'v' || visitor_id END AS sk
        FROM semantic_events
        WHERE site_id IN (SELECT value FROM json_each(${sites}))
          AND created_at >= ${range.from} AND created_at < ${range.to}
          AND (visitor_id IS NULL OR ${notExcludedPredicate()}) AND ${keptPredicate(r.bots)}`;
}

/** The events of eventRows whose session is one of `keys` (site_id, sk): found by their session id
 * or, without one, their visitor id (index lookups, not the range's every event). */
function eventsOfKeys(
  r: AggregateRequest,
  range: { from: string; to: string },
  keys: string,
): string {
  const own = `e.created_at >= ${range.from} AND e.created_at < ${range.to}
      AND (e.visitor_id IS NULL OR ${notExcludedPredicate("e.visitor_id")})
      AND ${keptPredicate(r.bots, "e.bot_score")}`;
  return `SELECT e.*, k.sk FROM ${keys} k CROSS JOIN semantic_events e
        ON e.session_id = substr(k.sk, 2) AND e.site_id = k.site_id
      WHERE k.sk LIKE 's%' AND ${own}
      UNION ALL
      SELECT e.*, k.sk FROM ${keys} k CROSS JOIN semantic_events e
        ON e.visitor_id = substr(k.sk, 2) AND e.site_id = k.site_id
      WHERE k.sk LIKE 'v%' AND e.session_id IS NULL AND ${own}`;
}

/** Where a family's rows come from (`from`, aliased `w` or `e`) and a condition on their own
 * columns they must meet (`only`), tested before they are joined to their sessions. */
interface Source {
  from: string;
  only: string;
  /** Only the rows with a session (the others cannot match). */
  inner?: boolean;
  /** The rows carry their session's columns (joinedSessions): no join to `s`. */
  joined?: boolean;
}

/** The events of `from` (eventRows, or those of it kept first) meeting `only`, with their session
 * when the request's dimensions or filter read it, and `columns` (the relation's). */
function eventSource(
  r: AggregateRequest,
  source: Source,
  columns: string,
  goals = false,
): string {
  const session = eventsNeedSessions(r)
    ? `${source.inner ? "CROSS" : "LEFT"} JOIN s ON s.site_id = e.site_id AND s.sk = e.sk`
    : "";
  // The conversion rows' columns (goals.ts eventMeets), when counted.
  const goal = goals ? ", e.event_name, e.path, e.data" : "";
  return `SELECT e.site_id, e.visitor_id, e.sk, e.created_at, e.event_type, e.scroll_pct,
        e.engaged_ms${goal}${columns}
      FROM ${source.from} e ${session}
      WHERE ${source.only}`;
}

/** Every view in the range (the bot share counts them all) meeting `only`; a kept view has its
 * session. */
function viewSource(
  range: { from: string; to: string },
  source: Source,
  columns: string,
  goals = false,
): string {
  const s = source.joined ? "w" : "s";
  return `SELECT w.site_id, w.visitor_id, w.sk, w.created_at, w.bot_score, w.kept,${
    goals ? " w.path," : ""
  } ${s}.n,
        ${s}.duration_ms, ${s}.in_range${columns}
      FROM ${source.from} w ${
    source.joined ? "" : `${source.inner ? "CROSS" : "LEFT"} JOIN s
        ON s.site_id = w.site_id AND s.sk = w.sk`
  }
      WHERE w.created_at >= ${range.from} AND w.created_at < ${range.to} AND ${source.only}`;
}

/**
 * The views of `from` (kept first: `wf`) with their session's columns (`s`'s: n, duration_ms,
 * in_range, entry_page, exit_page, source), each looked up on the sessions table's unique index
 * (site_id, sk, bot) or, for a session crossing the window's edges, in `se` (built from its views
 * in the window), rather than joined to `s` materialized (an automatic index built over it on
 * every read). The same sessions as tableSessions' `s` of the table's side `side`.
 */
function joinedSessions(
  d: Dialect,
  from: string,
  side: 0 | 1,
  window: { from: string; to: string },
  range: { from: string; to: string },
): string {
  const either = (column: string, table: string) =>
    `CASE WHEN e.sk IS NOT NULL THEN e.${column} ELSE ${table} END AS ${column}`;
  return `SELECT w.*, ${either("n", "t.views")},
        ${either("duration_ms", d.durationMs("t.first_at", "t.last_at"))},
        ${either("in_range", `t.first_at >= ${range.from} AND t.first_at < ${range.to}`)},
        ${either("entry_page", "t.entry_page")}, ${either("exit_page", "t.exit_page")},
        ${either("source", sourceSql("t"))}
      FROM ${from} w LEFT JOIN se e ON e.site_id = w.site_id AND e.sk = w.sk
        LEFT JOIN sessions t ON t.site_id = w.site_id AND t.sk = w.sk AND t.bot = ${side}
          AND e.sk IS NULL AND t.first_at >= ${window.from} AND t.last_at < ${window.to}
          AND ${notExcludedPredicate("t.visitor_id")}`;
}

/**
 * The CTEs a statement starts from (baseCtes) and where its views come from. Views kept first
 * (`wf`) with sessions from the table look their session up (joinedSessions); `s` is then the
 * events' only (its sessions those of `needed`), else the edge sessions are all of the window's
 * (few), not those of `needed` (no DISTINCT over the kept views).
 */
function startCtes(
  p: Params,
  d: Dialect,
  r: AggregateRequest,
  range: { from: string; to: string },
  from: Sources,
  views: boolean,
  joins: boolean,
): { ctes: string[]; views: Source } {
  const side = tableSide(r);
  const direct = views && from.views.from === "wf" && (side === 0 || side === 1);
  const needed = direct && !joins && from.needed ? { ...from.needed, keys: null } : from.needed;
  const ctes = views || joins ? [baseCtes(p, d, r, range, needed)] : [];
  if (!direct) return { ctes, views: from.views };
  const window = {
    from: p.add(new Date(r.fromMs - DAY_MS).toISOString()),
    to: p.add(new Date(r.toMs + DAY_MS).toISOString()),
  };
  ctes.push(`se AS MATERIALIZED (${sessionsOfGroups(d, "sg", range)})`);
  return {
    ctes,
    views: {
      from: `(${joinedSessions(d, "wf", side as 0 | 1, window, range)})`,
      only: from.views.only,
      joined: true,
    },
  };
}

/** The fields a view row takes from its session (`s`, fields.ts); the others are its own (`w`). */
const VIEW_SESSION_FIELDS: ReadonlySet<string> = new Set(["entry_page", "exit_page", "source"]);

/** Whether a filter reads only the row's own columns, none of its session's. */
function readsOwn(r: AggregateRequest, f: Filter, row: "view" | "event"): boolean {
  return referencedKeys({ ...r, dimensions: [], filter: f }).every((key) => {
    const from = dimensionFor(key)!.from;
    if (from.kind !== "field") return true;
    return row === "view" ? !VIEW_SESSION_FIELDS.has(from.field) : EVENT_OWN_FIELDS.has(from.field);
  });
}

/** An `and`'s parts (nested ones too), or the filter itself. */
function conjuncts(f: Filter): Filter[] {
  return !isCondition(f) && f.op === "and" ? f.filters.flatMap(conjuncts) : [f];
}

/** Whether a filter reads only fields a row takes from its session (`row`'s, fields.ts) that are
 * its session's entry view's own columns: the entry page, source, and for events country, device,
 * OS, browser, screen, referrer, UTM (not the exit page). */
function readsEntry(r: AggregateRequest, f: Filter, row: "view" | "event"): boolean {
  return referencedKeys({ ...r, dimensions: [], filter: f }).every((key) => {
    const from = dimensionFor(key)!.from;
    if (from.kind !== "field" || from.field === "exit_page") return false;
    return VIEW_SESSION_FIELDS.has(from.field) ||
      (row === "event" && !EVENT_OWN_FIELDS.has(from.field));
  });
}

/** Whether a filter keeps a row whose every dimension is empty (no session: `COALESCE` gives each
 * its empty value), as the SQL of filterSql decides it. */
function keepsEmpty(f: Filter): boolean {
  if (isCondition(f)) return conditionHolds(f, dimensionFor(f.dimension)!.empty);
  if (f.op === "not") return !keepsEmpty(f.filter);
  return f.op === "and" ? f.filters.every(keepsEmpty) : f.filters.some(keepsEmpty);
}

/**
 * A condition every row the filter keeps meets, from the filter's parts ANDed, or null when there
 * is none:
 * - `own`: the parts that read nothing of the row's session, over its own columns (`w` or `e`);
 *   the rows failing it are dropped before they are joined to their sessions;
 * - `entry`: the parts on the session's entry attributes (readsEntry), over views' own columns,
 *   which the entry view of every session whose rows the filter may keep meets; only when those
 *   parts keep no row without a session (then the rows' sessions are those of the views meeting
 *   it, and a row without one is not counted).
 */
function prefilter(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  f: Filter | null,
  row: "view" | "event",
  kind: "own" | "entry",
): string | null {
  const reads = kind === "own" ? readsOwn : readsEntry;
  const parts = f ? conjuncts(f).filter((x) => reads(r, x, row)) : [];
  if (parts.length === 0) return null;
  if (kind === "entry" && keepsEmpty({ op: "and", filters: parts })) return null;
  return ownSql(d, p, r, parts, kind === "own" ? row : "entry");
}

/** A session field over the view `w` as its session's entry view (sessionsOfGroups). */
const AS_ENTRY: Partial<Record<string, string>> = {
  entry_page: "w.path",
  source: sourceSql("w"),
};

/** Filters ANDed over a row's own columns (`w` or `e`; `entry`: a view `w` as its session's entry
 * view). */
function ownSql(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  own: Filter[],
  as: "view" | "event" | "entry",
): string {
  const row = as === "event" ? "event" : "view";
  const alias = row === "view" ? "w" : "e";
  const fieldOf = (field: RowField) =>
    (as === "entry" ? AS_ENTRY[field] : undefined) ?? fieldColumn(field, row);
  const direct: Relation = {
    columns: "",
    value: (spec) => {
      if (spec.from.kind === "time") {
        return d.timeBucket(`${alias}.created_at`, spec.from.unit, r.spans);
      }
      const column = spec.from.kind === "field"
        ? fieldOf(spec.from.field)
        : row === "event"
        ? d.jsonProp("e.data", p.add(d.jsonPath(propKeyOf(spec.key)!)))
        : "NULL";
      return `COALESCE(${column}, ${quote(spec.empty)})`;
    },
    goal: goalTest(d, p, `${alias}.site_id`, `${alias}.sk`),
  };
  // An `is` condition on a stored column whose values do not include the dimension's empty
  // value: `column IN (…)` rather than through COALESCE (the same rows: a null equals no value),
  // so that SQLite can read the rows from an index on the column (idx_vv_utm…).
  const plainIn = (f: Filter): string | null => {
    if (!isCondition(f) || f.op !== "is") return null;
    const spec = dimensionFor(f.dimension)!;
    if (spec.from.kind !== "field" || f.values.includes(spec.empty)) return null;
    const column = fieldOf(spec.from.field);
    return /^[we]\.[a-z_]+$/.test(column)
      ? d.inList(column, p.add(JSON.stringify(f.values)))
      : null;
  };
  return own.map((x) => plainIn(x) ?? filterSql(d, p, x, direct)).join(" AND ");
}

/** Where the views and the events of a statement come from, and the CTEs that keep them first. */
interface Sources {
  /** For baseCtes: the kept rows and their sessions' keys, when every row joined to a session is
   * kept first (then only those sessions are read). */
  needed: { ctes: string[]; keys: string } | null;
  views: Source;
  events: Source;
}

/**
 * The sources of a statement whose view rows are kept by any of `views` (null: it counts no views)
 * and its event rows by any of `events` (null: none); `r`'s sites, range and bot setting.
 * Each filter's parts on the rows' own columns (prefilter "own") are tested first; when every row
 * joined to a session is narrowed so, those rows are kept first (`wf`, `ef`), or, failing that, by
 * the parts on their session's entry (prefilter "entry"), and only their sessions are built
 * (`needed`): a filtered breakdown reads its matching rows' sessions, not the window's every one.
 */
function sources(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  range: { from: string; to: string },
  views: readonly (Filter | null)[] | null,
  events: { filters: readonly (Filter | null)[]; joins: boolean } | null,
): Sources {
  // Each member's condition ORed, or null when a member has none.
  const any = (parts: (string | null)[]) =>
    parts.length && parts.every((x) => x !== null) ? `((${parts.join(") OR (")}))` : null;
  const own = (filters: readonly (Filter | null)[], row: "view" | "event") =>
    any(filters.map((f) => prefilter(d, p, r, f, row, "own")));
  const entry = (filters: readonly (Filter | null)[], row: "view" | "event") =>
    any(filters.map((f) => prefilter(d, p, r, f, row, "entry")));
  const viewOnly = views ? own(views, "view") : null;
  const eventOnly = events ? own(events.filters, "event") : null;
  const viewEntry = views && viewOnly === null ? entry(views, "view") : null;
  const eventEntry = events?.joins && eventOnly === null ? entry(events.filters, "event") : null;
  // The range's events, as a subquery (written when used: an unused parameter is an error).
  const eventsFrom = () => (events ? `(${eventRows(p, r, range)})` : "");
  const plainEvents = (): Source => ({ from: eventsFrom(), only: eventOnly ?? "1" });
  const joining = [
    ...(views ? [viewOnly ?? viewEntry] : []),
    ...(events?.joins ? [eventOnly ?? eventEntry] : []),
  ];
  if (joining.length === 0 || joining.includes(null)) {
    return { needed: null, views: { from: "w", only: viewOnly ?? "1" }, events: plainEvents() };
  }
  const ctes: string[] = [];
  const keys: string[] = [];
  // The views read for these: kept by the views' own parts (range), and those whose own columns
  // meet the entry parts (window; their sessions are the only ones whose rows can match: an inner
  // join). Read once when they are several.
  const inRange = `w.created_at >= ${range.from} AND w.created_at < ${range.to} AND ${viewOnly}`;
  const scans = [
    ...(views && viewOnly !== null ? [inRange] : []),
    ...(views && viewOnly === null ? [viewEntry!] : []),
    ...(events?.joins && eventOnly === null ? [eventEntry!] : []),
  ];
  if (scans.length > 1) {
    ctes.push(`wk AS MATERIALIZED (SELECT * FROM w WHERE (${scans.join(") OR (")}))`);
  }
  const scan = scans.length > 1 ? "wk" : "w";
  const entryKeys = (condition: string) => `SELECT site_id, sk FROM ${scan} w WHERE ${condition}`;
  let viewSource: Source = { from: "w", only: "1" };
  if (views && viewOnly !== null) {
    ctes.push(`wf AS MATERIALIZED (SELECT * FROM ${scan} w WHERE ${inRange})`);
    keys.push("SELECT site_id, sk FROM wf");
    viewSource = { from: "wf", only: "1" };
  } else if (views) {
    keys.push(entryKeys(viewEntry!));
    // Only the views of those sessions (of the others, none can match): found by key.
    viewSource = { from: `(${viewsOfKeys(range, r, "needed")})`, only: "1", inner: true };
  }
  let eventSource: Source = { from: "", only: "1" };
  if (events && !events.joins) eventSource = plainEvents();
  else if (events?.joins && eventOnly !== null) {
    ctes.push(`ef AS MATERIALIZED (SELECT * FROM ${eventsFrom()} e WHERE ${eventOnly})`);
    keys.push("SELECT site_id, sk FROM ef WHERE sk IS NOT NULL");
    eventSource = { from: "ef", only: "1" };
  } else if (events?.joins) {
    keys.push(entryKeys(eventEntry!));
    // Only the events of those sessions (of the others, none can match): found by key.
    eventSource = { from: `(${eventsOfKeys(r, range, "needed")})`, only: "1", inner: true };
  }
  ctes.push(
    `needed AS MATERIALIZED (SELECT DISTINCT site_id, sk FROM (${keys.join(" UNION ALL ")}))`,
  );
  return { needed: { ctes, keys: "needed" }, views: viewSource, events: eventSource };
}

/** The rows of views (`view`) or events (`event`) from `source`, with their dimensions and filter
 * verdict, only those the filter keeps (every family counts matching rows only). */
function rowsOf(
  d: Dialect,
  p: Params,
  r: AggregateRequest,
  row: "view" | "event",
  range: { from: string; to: string },
  from: Source,
  goals: boolean,
): string {
  const rel = relation(d, p, r, row, from.joined ? "w" : "s");
  const specs = r.dimensions.map((key) => dimensionFor(key)!);
  const dimColumns = specs.map((s, i) => `, ${rel.value(s)} AS d${i}`).join("");
  const matched = r.filter ? filterSql(d, p, r.filter, rel) : "1";
  const source = row === "event"
    ? eventSource(r, from, rel.columns, goals)
    : viewSource(range, from, rel.columns, goals);
  // The dimensions' values and the filter's verdict, computed once per row.
  return `SELECT * FROM (SELECT *${dimColumns}, ${matched} AS matched FROM (${source}) rr)
    WHERE matched`;
}

const AGGREGATE_NAMES = Object.keys(AGGREGATES) as Aggregate[];

/** The fields an event has itself (fields.ts); the others are its session's. */
const EVENT_OWN_FIELDS: ReadonlySet<string> = new Set([
  "page",
  "name",
  "score_bucket",
  "bot_reason",
  "pow_verdict",
]);

/** Whether the events' dimensions or filter read their session (`s`). */
function eventsNeedSessions(r: AggregateRequest): boolean {
  return referencedKeys(r).some((key) => {
    const from = dimensionFor(key)!.from;
    return from.kind === "field" && !EVENT_OWN_FIELDS.has(from.field);
  });
}

/**
 * One statement for the families asked: a row per family and combination of the dimensions'
 * values (`d0`, `d1`…), tagged `family`, with that family's aggregates (lib/query/metrics.ts
 * AGGREGATES; the others null). The views and sessions are built once for all of them.
 */
export function compileAggregates(
  d: Dialect,
  r: AggregateRequest,
  asked: readonly Family[],
): Compiled {
  const p = new Params();
  const range = rangeParams(p, r);
  const families = asked.filter((f): f is EngineFamily => f !== "base");
  // Events alone whose dimensions and filters are their own fields read no views or sessions.
  const viewRows = families.some(countsViews);
  const eventRows = families.some(countsEvents);
  const goals = families.includes("conversions");
  const joins = eventRows && eventsNeedSessions(r);
  const from = sources(
    d,
    p,
    r,
    range,
    viewRows ? [r.filter] : null,
    eventRows ? { filters: [r.filter], joins } : null,
  );
  const { ctes, views } = startCtes(p, d, r, range, from, viewRows, joins);
  ctes.unshift(...goalCtes(d, p, r, range, [r.filter]));
  // Read by several families (views, sessions, bots, conversions): the matching rows kept once.
  const shared = families.filter(countsViews).length > 1 ? " MATERIALIZED" : "";
  if (viewRows) ctes.push(`rv AS${shared} (${rowsOf(d, p, r, "view", range, views, goals)})`);
  if (eventRows) {
    const events = families.filter(countsEvents).length > 1 ? " MATERIALIZED" : "";
    ctes.push(`re AS${events} (${rowsOf(d, p, r, "event", range, from.events, goals)})`);
  }
  if (goals) ctes.push(conversionCte(d, p, r));
  const dims = r.dimensions.map((_, i) => `d${i}, `).join("");
  const group = dims ? ` GROUP BY ${dims.slice(0, -2)}` : "";
  const arms = families.map((family) => {
    const mine = new Set(AGGREGATE_NAMES.filter((a) => AGGREGATES[a] === family));
    const columns = AGGREGATE_NAMES.map((a) => (mine.has(a) ? a : `NULL AS ${a}`)).join(", ");
    return `SELECT '${family}' AS family, ${dims}${columns}
      FROM (${AGGREGATE_SQL[family](d, dims, relationOf(family), r)}${group})`;
  });
  return { sql: `WITH ${ctes.join(",\n")}\n${arms.join("\nUNION ALL\n")}`, params: p.values };
}

/**
 * A statement over the request's matched rows, for the questions that are not sums by group
 * (funnels: lib/db/query/funnels.ts): the CTEs `rv` (views, with `kept`) and `re` (kept events),
 * each with its site, session key (`sk`), visitor, time, page and event columns and the request's
 * dimensions (`d0`…), only the rows its filter keeps; `body` writes the rest of the statement
 * (more CTEs and the final SELECT, after a comma) with `add` binding its parameters.
 */
export function compileOverRows(
  d: Dialect,
  r: AggregateRequest,
  body: (add: (value: SqlParam) => string) => string,
): Compiled {
  const p = new Params();
  const range = rangeParams(p, r);
  const joins = eventsNeedSessions(r);
  const from = sources(d, p, r, range, [r.filter], { filters: [r.filter], joins });
  const { ctes, views } = startCtes(p, d, r, range, from, true, joins);
  ctes.unshift(...goalCtes(d, p, r, range, [r.filter]));
  ctes.push(`rv AS MATERIALIZED (${rowsOf(d, p, r, "view", range, views, true)})`);
  ctes.push(`re AS MATERIALIZED (${rowsOf(d, p, r, "event", range, from.events, true)})`);
  const rest = body((value) => p.add(value));
  return { sql: `WITH ${ctes.join(",\n")},\n${rest}`, params: p.values };
}

/** One request of a batch (compileBatch): its dimensions, filter and families; the sites, range,
 * zone and bot setting are the batch's. */
export interface BatchMember {
  dimensions: string[];
  filter: Filter | null;
  families: readonly Family[];
}

/** The rows of a batch's views or events: the dimensions of the members counting them (`u0`,
 * `u1`…) and each of their distinct filters' verdict (`m0`, `m1`…), only rows some filter keeps. */
interface BatchRows {
  /** The members' dimensions and filters ANDed (what the rows read). */
  all: AggregateRequest;
  filterKeys: string[];
  filters: (Filter | null)[];
  sql: (d: Dialect, p: Params, range: { from: string; to: string }, from: Source) => string;
}

function batchRows(
  shared: AggregateRequest,
  members: readonly BatchMember[],
  row: "view" | "event",
): BatchRows {
  const dimensions = [...new Set(members.flatMap((m) => m.dimensions))];
  const filterKeys = [...new Set(members.map((m) => JSON.stringify(m.filter)))];
  const filters = filterKeys.map((k) => JSON.parse(k) as Filter | null);
  const present = filters.filter((f): f is Filter => f !== null);
  const all: AggregateRequest = {
    ...shared,
    dimensions,
    filter: present.length === 0 ? null : { op: "and", filters: present },
  };
  return {
    all,
    filterKeys,
    filters,
    sql: (d, p, range, from) => {
      const rel = relation(d, p, all, row, from.joined ? "w" : "s");
      const dimColumns = dimensions
        .map((key, i) => `, ${rel.value(dimensionFor(key)!)} AS u${i}`).join("");
      const verdicts = filters.map((f, j) => `, ${f ? filterSql(d, p, f, rel) : "1"} AS m${j}`);
      const keep = filters.includes(null)
        ? ""
        : ` WHERE ${filters.map((_, j) => `m${j}`).join(" OR ")}`;
      const source = row === "event"
        ? eventSource(all, from, rel.columns)
        : viewSource(range, from, rel.columns);
      return `SELECT * FROM (SELECT *${dimColumns}${verdicts.join("")} FROM (${source}) rr)${keep}`;
    },
  };
}

/**
 * Several requests sharing `shared`'s sites, range, zone and bot setting (its dimensions and filter
 * are ignored) in one statement: the window's views, their sessions and the events are read once,
 * with the dimensions and filters of the members counting them (`AS MATERIALIZED`), then each
 * member's families are grouped by its dimensions. A row per member (`member`, its index), family
 * and combination of its dimensions' values (`d0`, `d1`…; null past the member's own), as
 * compileAggregates.
 */
export function compileBatch(
  d: Dialect,
  shared: AggregateRequest,
  members: readonly BatchMember[],
): Compiled {
  if (members.some((m) => m.families.some((f) => f === "conversions" || f === "base"))) {
    throw new Error("compileBatch: conversions are counted one query at a time");
  }
  const p = new Params();
  const range = rangeParams(p, shared);
  const counting = (events: boolean) =>
    members.filter((m) => m.families.some((f) => EVENT_FAMILIES.has(f) === events));
  const views = counting(false).length ? batchRows(shared, counting(false), "view") : null;
  const events = counting(true).length ? batchRows(shared, counting(true), "event") : null;
  const joins = events !== null && eventsNeedSessions(events.all);
  const from = sources(
    d,
    p,
    shared,
    range,
    views?.filters ?? null,
    events && { filters: events.filters, joins },
  );
  const { ctes, views: viewsFrom } = startCtes(p, d, shared, range, from, views !== null, joins);
  ctes.unshift(...goalCtes(d, p, shared, range, members.map((m) => m.filter)));
  if (views) ctes.push(`rv AS MATERIALIZED (${views.sql(d, p, range, viewsFrom)})`);
  if (events) ctes.push(`re AS MATERIALIZED (${events.sql(d, p, range, from.events)})`);
  const width = Math.max(0, ...members.map((m) => m.dimensions.length));
  const arms = members.flatMap((m, j) => {
    const dims = m.dimensions.map((_, i) => `d${i}, `).join("");
    const pad = Array.from(
      { length: width - m.dimensions.length },
      (_, i) => `NULL AS d${m.dimensions.length + i}, `,
    ).join("");
    const group = dims ? ` GROUP BY ${dims.slice(0, -2)}` : "";
    return m.families.map((family) => {
      const rows = EVENT_FAMILIES.has(family) ? events! : views!;
      const own = m.dimensions.map((key, i) => `u${rows.all.dimensions.indexOf(key)} AS d${i}`);
      const matched = `m${rows.filterKeys.indexOf(JSON.stringify(m.filter))} AS matched`;
      const mine = new Set(AGGREGATE_NAMES.filter((a) => AGGREGATES[a] === family));
      const columns = AGGREGATE_NAMES.map((a) => (mine.has(a) ? a : `NULL AS ${a}`)).join(", ");
      const rel = `(SELECT *, ${[...own, matched].join(", ")} FROM ${
        EVENT_FAMILIES.has(family) ? "re" : "rv"
      })`;
      return `SELECT ${j} AS member, '${family}' AS family, ${dims}${pad}${columns}
      FROM (${AGGREGATE_SQL[family as EngineFamily](d, dims, rel, shared)}${group})`;
    });
  });
  return { sql: `WITH ${ctes.join(",\n")}\n${arms.join("\nUNION ALL\n")}`, params: p.values };
}
