// Per-day aggregates (migration 16): per (site, UTC day, bot side, dimension, value) the page views,
// exact distinct visitors, and the visits, bounces, session views and session length of the
// sessions starting that day — kept exact by each written batch, in its transaction, like the
// sessions table (lib/db/session_table.ts). The query compiler reads them when a question allows
// (lib/db/query/aggregated.ts says which).
//
// What a row counts, for one bot side (score at or above BOT_SCORE_THRESHOLD or not) and the views
// of visitors not excluded:
// - dimension "" (value ""): every view; otherwise a row-level dimension of AGGREGATE_DIMENSIONS,
//   the value as the compiler renders it (null → the dimension's `empty`).
// - pageviews: views of that UTC day with the value; visitors: distinct visitor ids among them
//   (ids rotate daily, so days add up). A view counts its visitor when no view with a smaller id
//   has the same (site, visitor, day, side, value): writing more views never moves that view.
// - visits, bounces, session_views, duration_ms: the sessions (one tab's session_id, else the
//   visitor id, one side) whose first view is that day and with a view of the value; `late` is
//   how many days after the first one the value first appears (a range ending before it does not
//   see the value), 0 for views.
//
// A batch adds its views' rows and, for each session it touches, takes away what the session
// counted before the batch (its views with smaller ids) and adds what it counts now: exact for
// batches in any order and sessions spanning batches. Anything else that changes raw rows (a
// purge, a rescoring, an exclusion or its removal) marks the (site, day)s it touches in
// aggregate_dirty by trigger — the row's day and the day before (a session that started then) —
// and the readers skip dirty days until rebuildDirtyAggregates recomputes them (called where the
// sessions table is rebuilt).
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import { notExcludedPredicate } from "./bots.ts";
import { fieldColumn } from "./query/fields.ts";
import { DIMENSIONS, type DimensionSpec } from "../query/dimensions.ts";

/** The dimensions kept per day: a view's own fields, whose value never changes once written. */
export const AGGREGATE_DIMENSIONS: readonly DimensionSpec[] = DIMENSIONS.filter((d) =>
  d.level === "row" && d.from.kind === "field" && !d.key.startsWith("bot:") &&
  d.key !== "event:name"
);

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The value of dimension `key` ("" for the totals) of a view aliased `alias`, rendered. */
function valueSql(spec: DimensionSpec | null, alias: string): string {
  if (!spec || spec.from.kind !== "field") return "''";
  return `COALESCE(${fieldColumn(spec.from.field, "view", alias)}, ${quote(spec.empty)})`;
}

const KEYS = ["", ...AGGREGATE_DIMENSIONS.map((d) => d.key)];
/** The dimensions as rows `dims(i, key)`, joined to each view. */
const DIMS_CTE = `dims(i, key) AS (VALUES ${KEYS.map((k, i) => `(${i}, ${quote(k)})`).join(", ")})`;

/** Per dimension row `d`, the value of view `alias`. */
const valueOf = (alias: string) =>
  `CASE d.i ${
    AGGREGATE_DIMENSIONS.map((spec, i) => `WHEN ${i + 1} THEN ${valueSql(spec, alias)}`).join(" ")
  } ELSE '' END`;

const SIDE = (alias: string) => `(${alias}.bot_score >= ${BOT_SCORE_THRESHOLD})`;
const DAY = (alias: string) => `substr(${alias}.created_at, 1, 10)`;
const KEY = (alias: string) =>
  `CASE WHEN ${alias}.session_id IS NOT NULL THEN 's' || ${alias}.session_id
    ELSE 'v' || ${alias}.visitor_id END`;

const VIEW_UPSERT = `ON CONFLICT (site_id, dim, day, bot, value, late) DO UPDATE SET
    pageviews = pageviews + excluded.pageviews, visitors = visitors + excluded.visitors`;
const SESSION_UPSERT = `ON CONFLICT (site_id, dim, day, bot, value, late) DO UPDATE SET
    visits = visits + excluded.visits, bounces = bounces + excluded.bounces,
    session_views = session_views + excluded.session_views,
    duration_ms = duration_ms + excluded.duration_ms`;
const INSERT = `INSERT INTO day_aggregates (site_id, dim, day, bot, value, late, pageviews,
  visitors, visits, bounces, session_views, duration_ms)`;

/**
 * The views rows of the views `b` (a CTE of visitor_views rows): each view's page view, and its
 * visitor where no view of the same visitor, day, side and value has a smaller id (`before`: the
 * ids those views may have, `o.id < b.id` for a batch).
 */
function viewsSql(before: string): string {
  const seen = AGGREGATE_DIMENSIONS.map((spec, i) =>
    `MAX(o.id IS NOT NULL AND ${valueSql(spec, "o")} = ${valueSql(spec, "b")}) AS s${i + 1}`
  ).join(", ");
  return `${INSERT}
    SELECT b.site_id, d.key, ${DAY("b")}, ${SIDE("b")}, ${valueOf("b")}, 0, COUNT(*),
      SUM(CASE d.i WHEN 0 THEN f.s0 IS NULL ${
    AGGREGATE_DIMENSIONS.map((_, i) => `WHEN ${i + 1} THEN f.s${i + 1} IS NOT 1`).join(" ")
  } END), 0, 0, 0, 0
    FROM b CROSS JOIN (
      SELECT b.id, MAX(o.id) AS s0, ${seen}
      FROM b LEFT JOIN visitor_views o ON o.visitor_id = b.visitor_id AND o.site_id = b.site_id
        AND ${before} AND ${DAY("o")} = ${DAY("b")} AND ${SIDE("o")} = ${SIDE("b")}
      GROUP BY b.id
    ) f ON f.id = b.id CROSS JOIN dims d
    GROUP BY 1, 2, 3, 4, 5
    ${VIEW_UPSERT}`;
}

/**
 * The sessions rows of the sessions `t` (a CTE of site_id, sk, bot): per era (`eras`: 1 now, -1
 * before the batch, its views with ids below `?1`), what each counts, signed; only the sessions
 * whose first view's time (`MIN(created_at)`) satisfies `starts` when given.
 */
function sessionsSql(eras: string, starts = ""): string {
  const viewsOf = (by: "session_id" | "visitor_id") =>
    `SELECT t.site_id, t.sk, t.bot, v.* FROM t CROSS JOIN visitor_views v
      ON v.${by} = substr(t.sk, 2) AND v.site_id = t.site_id
    WHERE t.sk LIKE '${by === "session_id" ? "s" : "v"}%'
      ${by === "visitor_id" ? "AND v.session_id IS NULL" : ""}
      AND ${SIDE("v")} = t.bot AND ${notExcludedPredicate("v.visitor_id")}`;
  return `, sv AS MATERIALIZED (
      SELECT e.era, x.* FROM (${viewsOf("session_id")} UNION ALL ${viewsOf("visitor_id")}) x
        CROSS JOIN (${eras}) e
      WHERE e.era = 1 OR x.id < ?1
    ),
    ss AS (
      SELECT era, site_id, sk, bot, COUNT(*) AS n, MIN(created_at) AS first_at,
        CAST(round((julianday(MAX(created_at)) - julianday(MIN(created_at))) * 86400000)
          AS INTEGER) AS duration_ms
      FROM sv GROUP BY 1, 2, 3, 4 ${starts ? `HAVING ${starts}` : ""}
    ),
    sd AS (
      SELECT sv.era, sv.site_id, sv.sk, sv.bot, d.key AS dim, ${valueOf("sv")} AS value,
        MIN(${DAY("sv")}) AS vday
      FROM sv CROSS JOIN dims d GROUP BY 1, 2, 3, 4, 5, 6
    )
    ${INSERT}
    SELECT ss.site_id, sd.dim, substr(ss.first_at, 1, 10), ss.bot, sd.value,
      CAST(julianday(sd.vday) - julianday(substr(ss.first_at, 1, 10)) AS INTEGER), 0, 0,
      SUM(ss.era), SUM(ss.era * (ss.n = 1)), SUM(ss.era * ss.n), SUM(ss.era * ss.duration_ms)
    FROM sd JOIN ss ON ss.era = sd.era AND ss.site_id = sd.site_id AND ss.sk = sd.sk
      AND ss.bot = sd.bot
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING SUM(ss.era) <> 0 OR SUM(ss.era * ss.n) <> 0 OR SUM(ss.era * ss.duration_ms) <> 0
      OR SUM(ss.era * (ss.n = 1)) <> 0
    ${SESSION_UPSERT}`;
}

const BATCH = `b AS MATERIALIZED (
    SELECT * FROM visitor_views WHERE id BETWEEN ?1 AND ?2 AND ${notExcludedPredicate()}
  )`;

const UPSERT_VIEWS = `WITH ${DIMS_CTE}, ${BATCH}
  ${viewsSql("o.id < b.id")}`;

const UPSERT_SESSIONS = `WITH ${DIMS_CTE}, ${BATCH},
  t AS (SELECT DISTINCT site_id, ${KEY("b")} AS sk, ${SIDE("b")} AS bot FROM b)
  ${sessionsSql("SELECT 1 AS era UNION ALL SELECT -1")}`;

/** Adds the views with ids in [firstId, lastId] to the aggregates (inside the batch's
 * transaction, after they are inserted: ids are consecutive). */
export function upsertAggregates(db: Database, firstId: number, lastId: number): void {
  if (lastId < firstId) return;
  db.statement(UPSERT_VIEWS).run(firstId, lastId);
  db.statement(UPSERT_SESSIONS).run(firstId, lastId);
}

/**
 * Recomputes a site's aggregates of the UTC days [fromDay, toDay) (YYYY-MM-DD) from the raw rows:
 * their views, and the sessions whose first view is on one of them. Clears those days from
 * aggregate_dirty. Returns the rows written.
 */
export function rebuildAggregateDays(
  db: Database,
  siteId: string,
  fromDay: string,
  toDay: string,
): number {
  return db.transaction(() => {
    const args = [siteId, `${fromDay}T`, `${toDay}T`];
    db.run(
      "DELETE FROM day_aggregates WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
      siteId,
      fromDay,
      toDay,
    );
    const days = `site_id = ?1 AND created_at >= ?2 AND created_at < ?3`;
    const views = db.run(
      `WITH ${DIMS_CTE}, b AS MATERIALIZED (
        SELECT * FROM visitor_views WHERE ${days} AND ${notExcludedPredicate()}
      )
      ${viewsSql("o.id < b.id")}`,
      ...args,
    ).changes;
    // The sessions with a view on those days; those starting there are counted.
    const sessions = db.run(
      `WITH ${DIMS_CTE},
      t AS (
        SELECT DISTINCT site_id, ${KEY("v")} AS sk, ${SIDE("v")} AS bot FROM visitor_views v
        WHERE v.site_id = ?1 AND v.created_at >= ?2 AND v.created_at < ?3
          AND ${notExcludedPredicate("v.visitor_id")}
      )
      ${sessionsSql("SELECT 1 AS era", "MIN(created_at) >= ?2 AND MIN(created_at) < ?3")}`,
      ...args,
    ).changes;
    db.run(
      "DELETE FROM aggregate_dirty WHERE site_id = ?1 AND day >= ?2 AND day < ?3",
      siteId,
      fromDay,
      toDay,
    );
    return views + sessions;
  });
}

/** Rebuilds the (site, day)s marked dirty, the latest first, at most `limit` of them. Returns the
 * days rebuilt. */
export function rebuildDirtyAggregates(db: Database, limit = Number.MAX_SAFE_INTEGER): number {
  const dirty = db.all<{ site_id: string; day: string }>(
    "SELECT site_id, day FROM aggregate_dirty ORDER BY day DESC, site_id LIMIT ?",
    Math.min(limit, Number.MAX_SAFE_INTEGER),
  );
  for (const { site_id, day } of dirty) {
    rebuildAggregateDays(db, site_id, day, nextDay(day));
  }
  return dirty.length;
}

/** Rebuilds every site's aggregates from the raw rows (the migration's backfill). */
export function rebuildAllAggregates(db: Database): number {
  const sites = db.all<{ site_id: string; first: string; last: string }>(
    `SELECT site_id, MIN(created_at) AS first, MAX(created_at) AS last FROM visitor_views
     GROUP BY site_id`,
  );
  let rows = 0;
  for (const s of sites) {
    for (let day = s.first.slice(0, 10); day <= s.last.slice(0, 10); day = nextDay(day)) {
      rows += rebuildAggregateDays(db, s.site_id, day, nextDay(day));
    }
  }
  db.run("DELETE FROM aggregate_dirty");
  return rows;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
