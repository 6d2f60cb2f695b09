// The goals in the compiler's statements (lib/query/goals.ts; compile.ts): the stored goals
// (migration 19) joined to the rows in the same statement, so what a goal counts is its current
// definition.
// - `cg`: the visits (site_id, sk) with a conversion of each goal in the range, among the rows the
//   bot setting keeps: what a filter on event:goal tests (a visit converted, or did not).
// - conversion rows: the views and events a query counts (`rv`, `re`: only those its filter keeps)
//   joined to the goals they convert, with the goal's name as the event:goal dimension's value.
import type { Condition } from "../../query/model.ts";
import { GOAL_DIMENSION } from "../../query/goals.ts";
import { notExcludedPredicate } from "../bots.ts";
import type { Dialect } from "./dialect.ts";
import type { RowsOnly } from "./compile.ts";

/** Whether the page of a row (`path`) meets the goal `g`'s pattern: the text itself, or its
 * anchored regex. */
const pageMeets = (d: Dialect, g: string, path: string) =>
  `CASE WHEN ${g}.page_regex IS NULL THEN ${path} = ${g}.page
    ELSE ${d.matches(path, `${g}.page_regex`)} END`;

/** Whether the event row `e` (event_type, event_name, path, data, scroll_pct) converts the event
 * or scroll goal `g`: the custom event's name and every property value asked, or a finished view
 * of the page scrolled at least so deep. */
function eventMeets(d: Dialect, g: string, e: string): string {
  const prop = d.jsonProp(`${e}.data`, `'$."' || c.key || '"'`);
  return `((${g}.kind = 'event' AND ${e}.event_type = 'custom'
      AND ${e}.event_name = ${g}.event_name
      AND (${g}.props IS NULL OR NOT EXISTS (
        SELECT 1 FROM json_each(${g}.props) c WHERE ${prop} IS NOT c.value)))
    OR (${g}.kind = 'scroll' AND ${e}.event_type = 'pageview_end'
      AND ${e}.scroll_pct >= ${g}.scroll_depth AND ${pageMeets(d, g, `${e}.path`)}))`;
}

/** A row's visit: its tab session, else its visitor (`cg`'s `sk`). */
export const SESSION_KEY = (row: string) =>
  `CASE WHEN ${row}.session_id IS NOT NULL THEN 's' || ${row}.session_id
    WHEN ${row}.visitor_id IS NOT NULL THEN 'v' || ${row}.visitor_id END`;

/**
 * The rows converting the goals `g` meeting `goals` (a predicate over `g`): views of a page goal's
 * page (from visitor_views `v`) and matching events (from semantic_events `e`), each as
 * `columns(row)`, among the rows meeting `mine(row)`; admin-excluded visitors left out. The one
 * matcher of goals over stored rows: the query engine's `cg` and an experiment's conversions
 * (lib/db/experiments.ts) both read it. `union`: UNION (distinct rows) or UNION ALL.
 */
export function goalHits(
  d: Dialect,
  spec: {
    goals: string;
    mine: (row: string) => string;
    columns: (row: string) => string;
    union: "UNION" | "UNION ALL";
  },
): string {
  const { goals, mine, columns } = spec;
  return `SELECT ${columns("v")}
      FROM goals g CROSS JOIN visitor_views v ON v.site_id = g.site_id
      WHERE ${goals} AND g.kind = 'page'
        AND ${mine("v")} AND ${notExcludedPredicate("v.visitor_id")}
        AND ${pageMeets(d, "g", "v.path")}
      ${spec.union}
      SELECT ${columns("e")}
      FROM goals g CROSS JOIN semantic_events e ON e.site_id = g.site_id
      WHERE ${goals} AND g.kind IN ('event', 'scroll')
        AND e.event_type IN ('custom', 'pageview_end') AND ${mine("e")}
        AND (e.visitor_id IS NULL OR ${notExcludedPredicate("e.visitor_id")})
        AND ${eventMeets(d, "g", "e")}`;
}

/**
 * `cg`: each goal's converting visits in the range (a view of its page, or a matching event), the
 * sites' goals over the rows the bot rule `kept` (over `bot_score`) keeps; admin-excluded visitors
 * left out.
 */
export function convertingVisits(
  d: Dialect,
  sites: string,
  range: { from: string; to: string },
  kept: (column: string) => string,
): string {
  const mine = (row: string) =>
    `${row}.created_at >= ${range.from} AND ${row}.created_at < ${range.to}
      AND ${kept(`${row}.bot_score`)}`;
  return `cg AS MATERIALIZED (
      ${
    goalHits(d, {
      goals: `g.site_id IN (SELECT value FROM json_each(${sites}))`,
      mine,
      columns: (row) => `g.name AS goal, ${row}.site_id, ${SESSION_KEY(row)} AS sk`,
      union: "UNION",
    })
  }
    )`;
}

/** A condition on event:goal over a row's visit (`site`, `sk`): whether it has (or, negated,
 * has not) a conversion of the goals the condition names; `positive` is the condition's
 * un-negated test over a goal name column. */
export function visitConverted(
  c: Condition,
  site: string,
  sk: string,
  positive: (name: string) => string,
): string {
  const negated = c.op.endsWith("_not");
  return `${negated ? "NOT " : ""}EXISTS (SELECT 1 FROM cg
      WHERE cg.site_id = ${site} AND cg.sk = ${sk} AND ${positive("cg.goal")})`;
}

/**
 * The conversion rows of a statement: its kept views (`rv`) and events (`re`) joined to the goals
 * they convert, those meeting `counted` (over the goal's name `g.name`), with the columns the
 * conversions family counts: site_id, visitor_id, created_at and the dimensions (`d0`…; the goal's
 * name for event:goal).
 */
export function conversionRows(d: Dialect, dimensions: readonly string[], counted: string) {
  const dims = dimensions
    .map((key, i) => `, ${key === GOAL_DIMENSION ? "g.name" : `r.d${i}`} AS d${i}`).join("");
  const head = `SELECT r.site_id, r.visitor_id, r.created_at${dims}`;
  return `${head}, NULL AS revenue FROM rv r CROSS JOIN goals g ON g.site_id = r.site_id
      WHERE r.kept AND g.kind = 'page' AND ${pageMeets(d, "g", "r.path")} AND ${counted}
    UNION ALL
    ${head}, ${revenueSql(d)} AS revenue FROM re r CROSS JOIN goals g ON g.site_id = r.site_id
      ${RATE_JOINS(d)}
      WHERE g.kind IN ('event', 'scroll') AND ${eventMeets(d, "g", "r")} AND ${counted}`;
}

/** An event's `revenue` property as text, and its `currency` (the goal's when it names none). */
const amount = (d: Dialect) => d.jsonProp("r.data", `'$."revenue"'`);
const currency = (d: Dialect) =>
  `upper(COALESCE(${d.jsonProp("r.data", `'$."currency"'`)}, g.currency))`;

/** The rates (units per euro) of the goal's currency (`gr`) and of the event's (`er`). */
const RATE_JOINS = (d: Dialect) =>
  `LEFT JOIN exchange_rates gr ON gr.currency = g.currency
      LEFT JOIN exchange_rates er ON er.currency = ${currency(d)}`;

/**
 * A revenue goal's conversion's amount in the goal's currency: the event's `revenue` (a positive
 * decimal number, as text or a number) converted at the rates; null for other goals, a missing or
 * malformed amount, or a currency without a rate.
 */
function revenueSql(d: Dialect): string {
  const text = amount(d);
  return `CASE WHEN g.currency IS NOT NULL AND ${text} <> '' AND ${text} NOT GLOB '*[^0-9.]*'
      AND ${text} NOT GLOB '*.*.*' THEN CAST(${text} AS REAL) * gr.per_eur / er.per_eur END`;
}

/** The rows that can convert a counted goal (`counted` over `g.name`), over a view's own columns
 * (`w`) and an event's (`e`): what a conversions-only statement reads. */
export function goalRows(d: Dialect, counted: string): RowsOnly {
  return {
    view: `EXISTS (SELECT 1 FROM goals g WHERE g.site_id = w.site_id AND g.kind = 'page'
      AND ${pageMeets(d, "g", "w.path")} AND ${counted})`,
    event: `e.event_type IN ('custom', 'pageview_end') AND EXISTS (SELECT 1 FROM goals g
      WHERE g.site_id = e.site_id AND g.kind IN ('event', 'scroll') AND ${eventMeets(d, "g", "e")}
      AND ${counted})`,
  };
}
