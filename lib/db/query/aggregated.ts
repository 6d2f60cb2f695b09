// Answers from the per-day aggregates (lib/db/aggregates.ts) the questions they hold exactly; the
// compiler's path over raw rows and the sessions table (compile.ts) answers the rest.
//
// Served when all of these hold:
// - families: views (pageviews, visitors), sessions (visits, bounces, session_views,
//   duration_ms) and bots (all_views, bot_views); events are always counted from their rows.
// - bots hidden or shown alone at the default threshold (BOT_SCORE_THRESHOLD): one side each.
//   All shown, or another threshold, falls back (a visitor on both sides is one visitor).
// - the range is whole UTC days (a local day in a zone with an offset falls back).
// - dimensions: none, or one of AGGREGATE_DIMENSIONS (a view's own field: page, referrer, its
//   type, UTM, country, device, OS, browser, screen).
// - filter: none, or one `is` condition with one value on an AGGREGATE_DIMENSIONS dimension (the
//   dimension asked, if any, must be the same). Conditions whose value is the same for every view
//   (custom properties: none; event:name: "pageview") are decided here first: a filter that then
//   keeps no view answers nothing, one that keeps every view is no filter.
// - no day of the range is waiting in aggregate_dirty for a rebuild.
// - no session of the side lasting more than a day crosses the window the compiler would read (a
//   day either side of the range): the compiler counts such a session's views in the window only.
// Session dimensions (entry and exit page, source) and time buckets fall back.
import type { Database } from "../database.ts";
import { AGGREGATE_DIMENSIONS } from "../aggregates.ts";
import { BOT_SCORE_THRESHOLD } from "../columns.ts";
import { dimensionFor } from "../../query/dimensions.ts";
import type { Aggregate, Family } from "../../query/metrics.ts";
import { type Condition, type Filter, isCondition } from "../../query/model.ts";
import type { AggregateRequest } from "./compile.ts";

const DAY_MS = 86_400_000;
const SERVED: ReadonlySet<Family> = new Set(["views", "sessions", "bots"]);
const KEYS: ReadonlySet<string> = new Set(AGGREGATE_DIMENSIONS.map((d) => d.key));

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

function test(c: Condition, value: string): boolean {
  const any = (one: (v: string) => boolean) => c.values.some(one);
  switch (c.op) {
    case "is":
      return c.values.includes(value);
    case "is_not":
      return !c.values.includes(value);
    case "contains":
      return any((v) => value.includes(v));
    case "contains_not":
      return !any((v) => value.includes(v));
    case "matches":
      return any((v) => new RegExp(v).test(value));
    case "matches_not":
      return !any((v) => new RegExp(v).test(value));
  }
}

function reduce(f: Filter): Reduced {
  if (isCondition(f)) {
    const constant = constantForViews(f.dimension);
    return constant === undefined ? f : test(f, constant);
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
  dim: string;
  /** The one value kept (a filter), or null for all. */
  value: string | null;
  /** False when the filter keeps no view. */
  any: boolean;
}

/** How the aggregates answer the request, or null when they cannot (see the file header). */
export function planAggregates(r: AggregateRequest): Plan | null {
  if (r.sessions === "raw" || r.aggregates === false) return null;
  if (r.bots.mode === "show" || Math.trunc(r.bots.threshold) !== BOT_SCORE_THRESHOLD) return null;
  if (r.fromMs % DAY_MS !== 0 || r.toMs % DAY_MS !== 0 || r.toMs <= r.fromMs) return null;
  if (r.dimensions.length > 1) return null;
  const grouped = r.dimensions[0] ?? null;
  if (grouped !== null && !KEYS.has(grouped)) return null;
  const side = r.bots.mode === "only" ? 1 : 0;
  const reduced = r.filter ? reduce(r.filter) : true;
  if (typeof reduced === "boolean") {
    return { side, dim: grouped ?? "", value: null, any: reduced };
  }
  if (!isCondition(reduced) || reduced.op !== "is" || reduced.values.length !== 1) return null;
  if (!KEYS.has(reduced.dimension)) return null;
  if (grouped !== null && grouped !== reduced.dimension) return null;
  return { side, dim: reduced.dimension, value: reduced.values[0], any: true };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether the stored aggregates may answer for the request's sites and days (nothing dirty, no
 * long session crossing the window). */
function current(db: Database, r: AggregateRequest, side: 0 | 1): boolean {
  const sites = JSON.stringify(r.siteIds);
  const dirty = db.get(
    `SELECT 1 FROM aggregate_dirty WHERE site_id IN (SELECT value FROM json_each(?1))
       AND day >= ?2 AND day < ?3 LIMIT 1`,
    sites,
    day(r.fromMs),
    day(r.toMs),
  );
  if (dirty) return false;
  const long = db.get(
    `SELECT 1 FROM sessions WHERE site_id IN (SELECT value FROM json_each(?1)) AND bot = ?2
       AND julianday(last_at) - julianday(first_at) > 1 AND first_at < ?3 AND last_at >= ?4
     LIMIT 1`,
    sites,
    side,
    new Date(r.toMs + DAY_MS).toISOString(),
    new Date(r.fromMs - DAY_MS).toISOString(),
  );
  return !long;
}

const FAMILY_OF: Record<"views" | "sessions" | "bots", readonly Aggregate[]> = {
  views: ["pageviews", "visitors"],
  sessions: ["visits", "bounces", "session_views", "duration_ms"],
  bots: ["all_views", "bot_views"],
};
/** The family a group has a row in when it counted anything. */
const PRESENT = { views: "pageviews", sessions: "visits", bots: "all_views" } as const;

/**
 * The families of `families` the aggregates answer, each with its groups; null when they answer
 * none of them (the caller counts them from the rows).
 */
export function aggregatedFamilies(
  db: Database,
  r: AggregateRequest,
  families: readonly Family[],
): Map<Family, Row[]> | null {
  const mine = families.filter((f) => SERVED.has(f)) as ("views" | "sessions" | "bots")[];
  if (mine.length === 0) return null;
  const plan = planAggregates(r);
  if (!plan || !current(db, r, plan.side)) return null;
  const out = new Map<Family, Row[]>(mine.map((f) => [f, []]));
  const grouped = r.dimensions.length === 1;
  const totals: Record<Aggregate, number> = Object.fromEntries(
    Object.values(FAMILY_OF).flat().map((a) => [a, 0]),
  ) as Record<Aggregate, number>;
  if (plan.any) {
    const rows = db.all<Record<string, string | number>>(
      `SELECT value,
         SUM(CASE WHEN bot = ?5 AND late = 0 THEN pageviews ELSE 0 END) AS pageviews,
         SUM(CASE WHEN bot = ?5 AND late = 0 THEN visitors ELSE 0 END) AS visitors,
         SUM(CASE WHEN late = 0 THEN pageviews ELSE 0 END) AS all_views,
         SUM(CASE WHEN bot = 1 AND late = 0 THEN pageviews ELSE 0 END) AS bot_views,
         ${
        ["visits", "bounces", "session_views", "duration_ms"].map((c) =>
          `SUM(CASE WHEN bot = ?5 AND (late = 0 OR julianday(day) + late < julianday(?3))
            THEN ${c} ELSE 0 END) AS ${c}`
        ).join(",\n")
      }
       FROM day_aggregates
       WHERE site_id IN (SELECT value FROM json_each(?1)) AND dim = ?2 AND day >= ?4
         AND day < ?3 AND bot IN (0, 1) AND (?6 IS NULL OR value = ?6)
       GROUP BY value`,
      JSON.stringify(r.siteIds),
      plan.dim,
      day(r.toMs),
      day(r.fromMs),
      plan.side,
      plan.value,
    );
    for (const row of rows) {
      for (const family of mine) {
        const values = Object.fromEntries(FAMILY_OF[family].map((a) => [a, Number(row[a])]));
        if (grouped) {
          if (values[PRESENT[family]] > 0) {
            out.get(family)!.push({ dimensions: [String(row.value)], values });
          }
        } else for (const a of FAMILY_OF[family]) totals[a] += values[a];
      }
    }
  }
  if (!grouped) {
    for (const family of mine) {
      const values = Object.fromEntries(FAMILY_OF[family].map((a) => [a, totals[a]]));
      out.get(family)!.push({ dimensions: [], values });
    }
  }
  return out;
}

/** Whether the aggregates answer the request's view, session and bot families (tests, bench). */
export function servedByAggregates(db: Database, r: AggregateRequest): boolean {
  const plan = planAggregates(r);
  return plan !== null && current(db, r, plan.side);
}
