// GET /api/bots/suspicious?site_id&min_score=25&limit=50[&days]: visitors with a view scored at
// least min_score within the retention period (or, with `days`, within the last `days` UTC days,
// today included, as /api/bots/report counts them), highest score first, then most views.
// Parameters: lib/api/operations/bots.ts.
import { suspiciousVisitors } from "../../../lib/api/operations/bots.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { utcDate } from "../../../lib/ingest/types.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

const DAY_MS = 86_400_000;

export const handler = {
  async GET(ctx: Ctx) {
    const { config, now } = ctx.state.services;
    const query = readQuery(suspiciousVisitors, ctx.url);
    const retained = new Date(now() - config.retentionDays * DAY_MS).toISOString();
    // The retention period bounds `days`, so it is clamped here rather than in the schema.
    const days = query.days === undefined
      ? null
      : Math.min(config.retentionDays, Math.max(1, query.days));
    const sinceDay = days === null ? null : `${utcDate(now() - (days - 1) * DAY_MS)}T00:00:00.000Z`;
    const rows = await readerFor(ctx).run("suspiciousVisitors", {
      siteId: query.site_id ?? null,
      minScore: query.min_score,
      limit: query.limit,
      since: sinceDay !== null && sinceDay > retained ? sinceDay : retained,
    });
    return Response.json(rows);
  },
};
