// GET /api/bots/suspicious?site_id&min_score=25&limit=50: visitors with a view scored at least
// min_score within the retention period, highest score first, then most views.
import { SUSPICIOUS_SCORE, suspiciousVisitors } from "../../../lib/db/bots.ts";
import type { Ctx } from "../../../lib/state.ts";
import { clampedInt, optionalSiteId } from "./_params.ts";

const DAY_MS = 86_400_000;

export const handler = {
  GET(ctx: Ctx) {
    const { config, db, now } = ctx.state.services;
    const rows = suspiciousVisitors(db, {
      siteId: optionalSiteId(ctx.url),
      minScore: clampedInt(ctx.url, "min_score", { fallback: SUSPICIOUS_SCORE, min: 0, max: 100 }),
      limit: clampedInt(ctx.url, "limit", { fallback: 50, min: 1, max: 200 }),
      since: new Date(now() - config.retentionDays * DAY_MS).toISOString(),
    });
    return Response.json(rows);
  },
};
