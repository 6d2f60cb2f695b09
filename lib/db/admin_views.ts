// Page views for the admin's raw list (/admin/views): recent views with filters, paged by keyset,
// and the aggregate table public mode shows instead (top paths, clean traffic only).
import { listConditions } from "./admin_filter.ts";
import { notExcludedPredicate } from "./bots.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Database, SqlParam } from "./database.ts";
import { type KeysetPage, keysetPage, type PageRequest } from "./keyset.ts";
import type { BotFilter } from "../bots/thresholds.ts";
import {
  type PathCount,
  VIEW_LIST_KEYS,
  type ViewFilter,
  type ViewListRow,
} from "../store/lists.ts";

// The types are the interface's (lib/store/lists.ts); the bot filter is lib/bots/thresholds.ts.
export type { BotFilter };

/**
 * Rows of a table aliased `alias` that stats count as human (score and exclusion). `visitor` is
 * the visitor-id expression; a nullable column must be wrapped (`NULL NOT IN (…)` is NULL).
 */
export function humanPredicate(alias: string, visitor = `${alias}.visitor_id`): string {
  return `${alias}.bot_score < ${BOT_SCORE_THRESHOLD} AND ${notExcludedPredicate(visitor)}`;
}

export function botFilterSql(filter: BotFilter, alias: string, visitor?: string): string {
  if (filter === "humans") return `AND ${humanPredicate(alias, visitor)}`;
  if (filter === "bots") return `AND NOT (${humanPredicate(alias, visitor)})`;
  return "";
}

function viewWhere(filter: ViewFilter): { sql: string; args: SqlParam[] } {
  const { parts, args } = listConditions("v", filter);
  if (filter.pathContains !== "") {
    parts.push("instr(lower(v.path), lower(?)) > 0");
    args.push(filter.pathContains);
  }
  if (filter.reason) {
    parts.push("v.bot_reason = ?");
    args.push(filter.reason);
  }
  return { sql: `${parts.join(" AND ")} ${botFilterSql(filter.bots, "v")}`, args };
}

/** Recent page views, newest first, one keyset page at a time. */
export function listRecentViews(
  db: Database,
  filter: ViewFilter,
  request: PageRequest,
): KeysetPage<ViewListRow> {
  const where = viewWhere(filter);
  return keysetPage<ViewListRow>(db, {
    sql: `SELECT v.id, v.created_at, v.site_id, v.visitor_id, v.path, v.device_type, v.os_name,
                 v.browser_name, v.country_code, v.referrer_domain, v.interaction_ms,
                 v.pow_verdict, v.bot_score, v.bot_reason,
                 EXISTS (SELECT 1 FROM excluded_visitors x WHERE x.visitor_id = v.visitor_id)
                   AS is_excluded
          FROM visitor_views v WHERE ${where.sql}`,
    args: where.args,
    keys: VIEW_LIST_KEYS,
    descending: true,
  }, request);
}

/** The most viewed paths of human traffic in the range (optionally one site). */
export function topPaths(
  db: Database,
  filter: Pick<ViewFilter, "site" | "since" | "until" | "pathContains">,
  limit = 50,
): PathCount[] {
  const where = viewWhere({ ...filter, country: null, device: null, bots: "humans" });
  return db.all<PathCount>(
    `SELECT v.path, COUNT(*) AS views, COUNT(DISTINCT v.visitor_id) AS visitors
     FROM visitor_views v WHERE ${where.sql}
     GROUP BY v.path ORDER BY views DESC, v.path LIMIT ?`,
    ...where.args,
    limit,
  );
}
