// GET /api/bots/suspicious?site_id&min_score=25&limit=50[&days]: visitors with a view scored at
// least min_score within the retention period (or, with `days`, within the last `days` UTC days,
// today included, as /api/bots/report counts them), highest score first, then most views.
import { SUSPICIOUS_SCORE } from "../../../lib/db/bots.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { clampedInt, optionalSiteId } from "./_params.ts";

const DAY_MS = 86_400_000;

export const handler = {
  async GET(ctx: Ctx) {
    const { config, now } = ctx.state.services;
    const retained = new Date(now() - config.retentionDays * DAY_MS).toISOString();
    const days = ctx.url.searchParams.has("days")
      ? clampedInt(ctx.url, "days", { fallback: 7, min: 1, max: config.retentionDays })
      : null;
    const sinceDay = days === null ? null : `${utcDate(now() - (days - 1) * DAY_MS)}T00:00:00.000Z`;
    const rows = await readerFor(ctx).run("suspiciousVisitors", {
      siteId: optionalSiteId(ctx.url),
      minScore: clampedInt(ctx.url, "min_score", { fallback: SUSPICIOUS_SCORE, min: 0, max: 100 }),
      limit: clampedInt(ctx.url, "limit", { fallback: 50, min: 1, max: 200 }),
      since: sinceDay !== null && sinceDay > retained ? sinceDay : retained,
    });
    return Response.json(rows);
  },
};
