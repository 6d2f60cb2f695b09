// The admin header's live figures: visitors active in the last minutes and page views today, for
// one site or all. Runs on every admin page, so today's views are counted by score from the
// (created_at, bot_score) index alone, and the few views of excluded visitors are then moved from
// the human to the bot column through the excluded list, instead of checking every view.
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Database, SqlParam } from "./database.ts";
import { humanPredicate } from "./admin_views.ts";
import type { LiveFigures, LiveFiguresQuery } from "../store/sites.ts";

export type { LiveFigures } from "../store/sites.ts";

export function liveFigures(db: Database, q: LiveFiguresQuery): LiveFigures {
  const site = q.site === null ? "" : "AND v.site_id = ?";
  const siteArgs: SqlParam[] = q.site === null ? [] : [q.site];
  const active = db.get<{ n: number }>(
    `SELECT COUNT(DISTINCT v.visitor_id) AS n FROM visitor_views v
     WHERE v.created_at >= ? ${site} AND ${humanPredicate("v")}`,
    q.activeSince,
    ...siteArgs,
  )!;
  const today = db.get<{ clean: number; bots: number }>(
    `SELECT COALESCE(SUM(v.bot_score < ${BOT_SCORE_THRESHOLD}), 0) AS clean,
            COALESCE(SUM(v.bot_score >= ${BOT_SCORE_THRESHOLD}), 0) AS bots
     FROM visitor_views v WHERE v.created_at >= ? ${site}`,
    q.todaySince,
    ...siteArgs,
  )!;
  const excluded = db.get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM excluded_visitors x
     JOIN visitor_views v ON v.visitor_id = x.visitor_id
     WHERE v.created_at >= ? ${site} AND v.bot_score < ${BOT_SCORE_THRESHOLD}`,
    q.todaySince,
    ...siteArgs,
  )!;
  return {
    active_visitors: active.n,
    views_today: today.clean - excluded.n,
    bot_views_today: today.bots + excluded.n,
  };
}
