// Instance-wide figures for /api/stats/summary: page views and visitors of the last 24 hours.
import type { Database } from "./database.ts";
import { BOT_SCORE_THRESHOLD } from "./columns.ts";
import type { Last24h } from "../store/analytics.ts";

export type { Last24h } from "../store/analytics.ts";

export function last24hCounts(db: Database, now: number): Last24h {
  const since = new Date(now - 86_400_000).toISOString();
  const row = db.get<{ total: number; human: number; bot: number; visitors: number }>(
    `SELECT COUNT(*) AS total,
            COALESCE(SUM(bot_score < ${BOT_SCORE_THRESHOLD}), 0) AS human,
            COALESCE(SUM(bot_score >= ${BOT_SCORE_THRESHOLD}), 0) AS bot,
            COUNT(DISTINCT CASE WHEN bot_score < ${BOT_SCORE_THRESHOLD} THEN visitor_id END) AS visitors
     FROM visitor_views WHERE created_at >= ?`,
    since,
  );
  return {
    total_views: row?.total ?? 0,
    human_views: row?.human ?? 0,
    bot_views: row?.bot ?? 0,
    unique_visitors: row?.visitors ?? 0,
  };
}
