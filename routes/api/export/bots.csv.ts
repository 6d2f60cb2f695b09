// GET /api/export/bots.csv?site_id&days | from&to: the bot report of the period — views by score
// bucket, known bots per day and path, dropped hits, and (private instances only) the suspicious
// visitors. `site_id` is optional (every site).
import { botsCsv } from "../../../lib/export/bots.ts";
import {
  assertExportAllowed,
  csvResponse,
  exportFilename,
  exportParams,
} from "../../../lib/export/mod.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    assertExportAllowed(ctx, "bots");
    const { collect, config, db, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    // Known-bot and drop counters still in memory belong in the report.
    collect.flushCounters();
    const body = botsCsv(db, params, {
      includeVisitors: !(config.publicMode || ctx.state.publicMode),
      generatedAt: new Date(now()).toISOString(),
    });
    return csvResponse(body, exportFilename("bots", params));
  },
};
