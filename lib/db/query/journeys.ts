// Journeys on SQLite (issue 17): the pages visits go on to (or came from) around one page. The
// visits are those the query compiler's `visits` metric counts under the same filter and bot
// setting (compile.ts: sessions of kept views in the compiler's window, starting in the range,
// with a view in it the filter keeps, as compile.ts's rowsOf decides it); each one's kept views,
// in order, with a page repeated at once counted once, are walked from the anchor, and every
// step's pages counted, the top `width` kept by name and the rest grouped.
import type { Database } from "../database.ts";
import type {
  JourneyLink,
  JourneyNode,
  JourneyNodeKind,
  JourneyQuery,
  JourneyRows,
} from "../../store/analytics.ts";
import {
  type AggregateRequest,
  type Compiled,
  goalCtes,
  keptPredicate,
  Params,
  rangeParams,
  rowsOf,
  sessionsOfGroups,
  viewsOfKeys,
} from "./compile.ts";
import { notExcludedPredicate } from "../bots.ts";
import { SESSION_KEY_SQL } from "../session_table.ts";
import type { Dialect } from "./dialect.ts";
import { ensureRegexp, SQLITE } from "./sqlite.ts";

const DAY_MS = 86_400_000;

/** How far the anchor is found in a visit's (deduplicated) views, and which way it walks. */
function anchorSql(q: JourneyQuery, page: string): string {
  const next = q.direction === "next";
  // entry: the visit's first view (next) or its last (previous) is the anchor.
  const edge = q.mode === "entry" ? ` AND pos = ${next ? "1" : "len"}` : "";
  return `SELECT site_id, sk, ${next ? "MIN" : "MAX"}(pos) AS at, MAX(len) AS len
      FROM jq WHERE path = ${page}${edge} GROUP BY site_id, sk`;
}

/**
 * The statement of a journey: one row per node (`link` 0) and per link (`link` 1). The sessions
 * with a kept view of the anchor are found first (one scan of the window's views for the page),
 * then their kept views in the compiler's window by key, their sessions built from them as the
 * compiler builds sessions (sessionsOfGroups), and the compiler's own rows (rowsOf: its filter over
 * views and their sessions) pick the visits it counts, without building the range's every session.
 */
export function compileJourney(d: Dialect, q: JourneyQuery): Compiled {
  const p = new Params();
  const r: AggregateRequest = { ...q, dimensions: [] };
  const range = rangeParams(p, r);
  const window = {
    from: p.add(new Date(q.fromMs - DAY_MS).toISOString()),
    to: p.add(new Date(q.toMs + DAY_MS).toISOString()),
  };
  const sites = p.add(JSON.stringify(q.siteIds));
  const page = p.add(q.page);
  const depth = Math.trunc(q.depth);
  const width = Math.trunc(q.width);
  const next = q.direction === "next";
  // The step of the end: after the visit's last page (next), before its first (previous).
  const end = next ? "len - at + 1" : "at";
  const ordered = "PARTITION BY site_id, sk ORDER BY created_at, id";
  const ctes = [
    // A goal filter's converting visits (event:goal), as the compiler reads them.
    ...goalCtes(d, p, r, range, [q.filter]),
    // A session starting in the range has no view before it: the anchor is looked for from the
    // range's start to the window's end (a session's views run up to a day past the range).
    `ja0 AS MATERIALIZED (SELECT DISTINCT site_id, ${SESSION_KEY_SQL} AS sk FROM visitor_views v
      WHERE site_id IN (SELECT value FROM json_each(${sites})) AND path = ${page}
        AND created_at >= ${range.from} AND created_at < ${window.to}
        AND ${keptPredicate(q.bots, "bot_score")} AND ${notExcludedPredicate()})`,
    // Their kept views in the window, and their sessions built from them as the compiler builds
    // sessions from views (the same as its `s`: a session is its kept views in the window).
    // (Without a filter, only what the walk reads of them.)
    `av AS MATERIALIZED (SELECT ${q.filter ? "*" : "site_id, sk, id, created_at, path"}
      FROM (${viewsOfKeys(window, r, "ja0")}) WHERE kept)`,
    // The visits counted: sessions starting in the range with a matching kept view in it, as the
    // compiler's rows decide it; without a filter, every session starting in it.
    ...(q.filter
      ? [
        `sg AS (SELECT site_id, sk, COUNT(*) AS n, ${d.firstId("created_at", "id")} AS first_id,
          ${d.lastId("created_at", "id")} AS last_id
        FROM av GROUP BY site_id, sk)`,
        `s AS MATERIALIZED (${sessionsOfGroups(d, "sg", range)})`,
        `rv AS (${rowsOf(d, p, r, "view", range, { from: "av", only: "1" }, false)})`,
        `js AS MATERIALIZED (SELECT DISTINCT site_id, sk FROM rv WHERE kept AND in_range)`,
      ]
      : [
        `js AS MATERIALIZED (SELECT site_id, sk FROM av GROUP BY site_id, sk
          HAVING MIN(created_at) >= ${range.from} AND MIN(created_at) < ${range.to})`,
      ]),
    // A page repeated at once (a reload, a tab's return) is one step.
    `jv AS (SELECT site_id, sk, path, ROW_NUMBER() OVER (${ordered}) AS rn,
        LAG(path) OVER (${ordered}) AS prev
      FROM av WHERE (site_id, sk) IN (SELECT site_id, sk FROM js))`,
    `jq AS MATERIALIZED (SELECT site_id, sk, path,
        ROW_NUMBER() OVER (PARTITION BY site_id, sk ORDER BY rn) AS pos,
        COUNT(*) OVER (PARTITION BY site_id, sk) AS len
      FROM jv WHERE rn = 1 OR prev IS NOT path)`,
    `ja AS (${anchorSql(q, page)})`,
    // Each visit's page at each step; past its last (first) view once, as the end.
    `jn AS MATERIALIZED (SELECT v.site_id, v.sk, ${next ? "v.pos - a.at" : "a.at - v.pos"} AS step,
        v.path, 0 AS gone
      FROM ja a JOIN jq v ON v.site_id = a.site_id AND v.sk = a.sk
      WHERE v.pos BETWEEN ${next ? `a.at AND a.at + ${depth}` : `a.at - ${depth} AND a.at`}
      UNION ALL
      SELECT site_id, sk, ${end} AS step, NULL, 1 FROM ja WHERE ${end} <= ${depth})`,
    `jr AS (SELECT step, path,
        ROW_NUMBER() OVER (PARTITION BY step ORDER BY COUNT(*) DESC, path) AS rank
      FROM jn WHERE NOT gone GROUP BY step, path)`,
    `jl AS MATERIALIZED (SELECT n.site_id, n.sk, n.step,
        CASE WHEN n.gone THEN 'end' WHEN r.rank <= ${width} THEN 'page' ELSE 'other' END AS kind,
        CASE WHEN NOT n.gone AND r.rank <= ${width} THEN n.path END AS page
      FROM jn n LEFT JOIN jr r ON r.step = n.step AND r.path IS n.path)`,
  ];
  const sql = `WITH ${ctes.join(",\n")}
    SELECT 0 AS link, step, kind, page, NULL AS to_kind, NULL AS to_page, COUNT(*) AS visits
      FROM jl GROUP BY step, kind, page
    UNION ALL
    SELECT 1, a.step, a.kind, a.page, b.kind, b.page, COUNT(*)
      FROM jl a JOIN jl b ON b.site_id = a.site_id AND b.sk = a.sk AND b.step = a.step + 1
      GROUP BY a.step, a.kind, a.page, b.kind, b.page`;
  return { sql, params: p.values };
}

interface Row {
  link: number;
  step: number;
  kind: JourneyNodeKind;
  page: string | null;
  to_kind: JourneyNodeKind | null;
  to_page: string | null;
  visits: number;
}

/** A journey's nodes and links, as counted (lib/query/journeys.ts orders and labels them). */
export function queryJourney(db: Database, q: JourneyQuery): JourneyRows {
  ensureRegexp(db);
  const { sql, params } = compileJourney(SQLITE, q);
  const nodes: JourneyNode[] = [];
  const links: JourneyLink[] = [];
  for (const row of db.all<Row>(sql, ...params)) {
    const from = { kind: row.kind, page: row.page };
    if (row.link) {
      links.push({
        step: row.step,
        from,
        to: { kind: row.to_kind!, page: row.to_page },
        visits: row.visits,
      });
    } else nodes.push({ step: row.step, ...from, visits: row.visits });
  }
  return { nodes, links };
}
