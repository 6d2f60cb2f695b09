// Visitors for the admin (/admin/visitors): one row per visitor and site over a date range, with
// filters and keyset pages; one visitor's totals for the detail page; and the aggregate figures
// public mode shows instead of per-visitor rows.
import { listConditions } from "./admin_filter.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Database } from "./database.ts";
import { type KeysetPage, keysetPage, type PageRequest } from "./keyset.ts";
import { humanPredicate } from "./admin_views.ts";
import {
  VISITOR_SORT_KEYS,
  type VisitorAggregates,
  type VisitorFilter,
  type VisitorListRow,
  type VisitorSort,
} from "../store/lists.ts";
import type { VisitorTotals } from "../store/visitors.ts";

/**
 * One keyset page of visitors, grouped per (visitor, site) over the filtered views. The unary
 * `+` keeps SQLite from grouping through idx_vv_visitor, which visits every row of the table in
 * visitor order and then drops those outside the range (4x slower for a week of a month's rows);
 * the range index plus a sort is what scales with the period. The grouping still reads every
 * view of the period: a per-visitor rollup would make deep periods cheap.
 */
export function listVisitors(
  db: Database,
  filter: VisitorFilter,
  order: { sort: VisitorSort; descending: boolean },
  request: PageRequest,
): KeysetPage<VisitorListRow> {
  const { parts, args } = listConditions("v", filter);
  const having = ["MAX(v.bot_score) >= ?"];
  args.push(filter.minScore);
  const isBot = `(MAX(v.bot_score) >= ${BOT_SCORE_THRESHOLD} OR is_excluded = 1)`;
  if (filter.kind === "bots") having.push(isBot);
  if (filter.kind === "humans") having.push(`NOT ${isBot}`);

  const page = keysetPage<VisitorListRow>(db, {
    sql: `SELECT v.visitor_id, v.site_id, MIN(v.created_at) AS first_seen,
                 MAX(v.created_at) AS last_seen, COUNT(*) AS views,
                 MAX(v.bot_score) AS max_score,
                 GROUP_CONCAT(DISTINCT v.country_code) AS countries,
                 GROUP_CONCAT(DISTINCT v.device_type) AS devices,
                 GROUP_CONCAT(DISTINCT v.browser_name) AS browsers,
                 EXISTS (SELECT 1 FROM excluded_visitors x WHERE x.visitor_id = v.visitor_id)
                   AS is_excluded
          FROM visitor_views v WHERE ${parts.join(" AND ")}
          GROUP BY +v.visitor_id, +v.site_id
          HAVING ${having.join(" AND ")}`,
    args,
    keys: VISITOR_SORT_KEYS[order.sort],
    descending: order.descending,
  }, request);

  // Event counts only for the rows shown, not for every group of the range.
  const counts = new Map<string, number>();
  if (page.rows.length > 0) {
    const pairs = JSON.stringify(page.rows.map((r) => [r.visitor_id, r.site_id]));
    for (
      const row of db.all<{ visitor_id: string; site_id: string; n: number }>(
        `SELECT e.visitor_id, e.site_id, COUNT(*) AS n
         FROM json_each(?) p
         JOIN semantic_events e ON e.visitor_id = json_extract(p.value, '$[0]')
           AND e.site_id = json_extract(p.value, '$[1]')
         WHERE e.created_at >= ? AND e.created_at < ?
         GROUP BY e.visitor_id, e.site_id`,
        pairs,
        filter.since,
        filter.until,
      )
    ) counts.set(`${row.site_id}\n${row.visitor_id}`, row.n);
  }
  for (const row of page.rows) row.events = counts.get(`${row.site_id}\n${row.visitor_id}`) ?? 0;
  return page;
}

/** Everything stored about one visitor, summed (all sites, all time). */
export function visitorTotals(db: Database, visitorId: string): VisitorTotals {
  const views = db.get<Omit<VisitorTotals, "events" | "pow_verdicts">>(
    `SELECT COUNT(*) AS views, MIN(created_at) AS first_seen, MAX(created_at) AS last_seen,
            MAX(bot_score) AS max_score, COALESCE(SUM(interaction_ms), 0) AS interaction_ms,
            GROUP_CONCAT(DISTINCT site_id) AS sites, GROUP_CONCAT(DISTINCT device_type) AS devices
     FROM visitor_views WHERE visitor_id = ?`,
    visitorId,
  )!;
  const events = db.get<{ n: number; first: string | null; last: string | null; max: number }>(
    `SELECT COUNT(*) AS n, MIN(created_at) AS first, MAX(created_at) AS last,
            MAX(bot_score) AS max
     FROM semantic_events WHERE visitor_id = ?`,
    visitorId,
  )!;
  const verdicts = db.all<{ verdict: string; views: number }>(
    `SELECT COALESCE(pow_verdict, 'none') AS verdict, COUNT(*) AS views
     FROM visitor_views WHERE visitor_id = ? GROUP BY verdict ORDER BY views DESC, verdict`,
    visitorId,
  );
  const earliest = [views.first_seen, events.first].filter((v): v is string => v !== null).sort();
  const latest = [views.last_seen, events.last].filter((v): v is string => v !== null).sort();
  const scores = [views.max_score, events.max].filter((v): v is number => v !== null);
  return {
    ...views,
    events: events.n,
    first_seen: earliest[0] ?? null,
    last_seen: latest[latest.length - 1] ?? null,
    max_score: scores.length > 0 ? Math.max(...scores) : null,
    pow_verdicts: verdicts,
  };
}

/** Visitor counts for public mode: totals and human visitors by country and device. */
export function visitorAggregates(
  db: Database,
  range: { site: string | null; since: string; until: string },
  limit = 20,
): VisitorAggregates {
  const { parts, args } = listConditions("v", range);
  const where = parts.join(" AND ");
  const totals = db.get<{ visitors: number; humans: number }>(
    `SELECT COUNT(DISTINCT v.site_id || char(10) || v.visitor_id) AS visitors,
            COUNT(DISTINCT CASE WHEN ${humanPredicate("v")}
              THEN v.site_id || char(10) || v.visitor_id END) AS humans
     FROM visitor_views v WHERE ${where}`,
    ...args,
  )!;
  const by = (column: "country_code" | "device_type") =>
    db.all(
      `SELECT COALESCE(v.${column}, 'unknown') AS ${column},
              COUNT(DISTINCT v.site_id || char(10) || v.visitor_id) AS visitors
       FROM visitor_views v WHERE ${where} AND ${humanPredicate("v")}
       GROUP BY 1 ORDER BY visitors DESC, 1 LIMIT ?`,
      ...args,
      limit,
    );
  return {
    visitors: totals.visitors,
    human_visitors: totals.humans,
    bot_visitors: totals.visitors - totals.humans,
    countries: by("country_code") as VisitorAggregates["countries"],
    devices: by("device_type") as VisitorAggregates["devices"],
  };
}
