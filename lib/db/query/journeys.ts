// Journeys on SQLite (issue 17): the pages visits go on to (or came from) around one page. The
// visits are those the query compiler's `visits` metric counts under the same filter and bot
// setting (compile.ts: the matching kept views in the range, their sessions starting in it); each
// one's kept views, in order, with a page repeated at once counted once, are walked from the
// anchor, and every step's pages counted, the top `width` kept by name and the rest grouped.
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
  Params,
  rangeParams,
  rowsOf,
  sources,
  startCtes,
  viewsOfKeys,
} from "./compile.ts";
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

/** The statement of a journey: one row per node (`link` 0) and per link (`link` 1). */
export function compileJourney(d: Dialect, q: JourneyQuery): Compiled {
  const p = new Params();
  const r: AggregateRequest = { ...q, dimensions: [] };
  const range = rangeParams(p, r);
  const from = sources(d, p, r, range, [r.filter], null);
  const { ctes, views } = startCtes(p, d, r, range, from, true, false);
  // A visit's views: from its start in the range to the end of the compiler's window (a day past
  // the range), as its session counts them.
  const span = { from: range.from, to: p.add(new Date(q.toMs + DAY_MS).toISOString()) };
  const page = p.add(q.page);
  const depth = Math.trunc(q.depth);
  const width = Math.trunc(q.width);
  const steps = Array.from({ length: depth + 1 }, (_, k) => `SELECT ${k} AS step`);
  const next = q.direction === "next";
  const pos = next ? "a.at + k.step" : "a.at - k.step";
  ctes.push(
    `rv AS (${rowsOf(d, p, r, "view", range, views)})`,
    // The visits counted: sessions starting in the range with a matching kept view in it, of
    // those that view the anchor (the others have no journey).
    `js AS MATERIALIZED (SELECT DISTINCT site_id, sk FROM rv WHERE kept AND in_range
        AND (site_id, sk) IN (SELECT site_id, sk FROM w WHERE kept AND path = ${page}
          AND created_at >= ${span.from} AND created_at < ${span.to}))`,
    `jv AS (SELECT site_id, sk, path,
        ROW_NUMBER() OVER (PARTITION BY site_id, sk ORDER BY created_at, id) AS rn,
        LAG(path) OVER (PARTITION BY site_id, sk ORDER BY created_at, id) AS prev
      FROM (${viewsOfKeys(span, r, "js")}) WHERE kept)`,
    // A page repeated at once (a reload, a tab's return) is one step.
    `jq AS MATERIALIZED (SELECT site_id, sk, path,
        ROW_NUMBER() OVER (PARTITION BY site_id, sk ORDER BY rn) AS pos,
        COUNT(*) OVER (PARTITION BY site_id, sk) AS len
      FROM jv WHERE rn = 1 OR prev IS NOT path)`,
    `ja AS (${anchorSql(q, page)})`,
    `ks AS (${steps.join(" UNION ALL ")})`,
    // Each visit's page at each step; past its last (first) view once, as the end.
    `jn AS MATERIALIZED (SELECT a.site_id, a.sk, k.step, v.path, v.pos IS NULL AS gone
      FROM ja a CROSS JOIN ks k
        LEFT JOIN jq v ON v.site_id = a.site_id AND v.sk = a.sk AND v.pos = ${pos}
      WHERE ${pos} BETWEEN 0 AND a.len + 1)`,
    `jr AS (SELECT step, path,
        ROW_NUMBER() OVER (PARTITION BY step ORDER BY COUNT(*) DESC, path) AS rank
      FROM jn WHERE NOT gone GROUP BY step, path)`,
    `jl AS MATERIALIZED (SELECT n.site_id, n.sk, n.step,
        CASE WHEN n.gone THEN 'end' WHEN r.rank <= ${width} THEN 'page' ELSE 'other' END AS kind,
        CASE WHEN NOT n.gone AND r.rank <= ${width} THEN n.path END AS page
      FROM jn n LEFT JOIN jr r ON r.step = n.step AND r.path IS n.path)`,
  );
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
