// GET /api/export/bots.csv?site_id&days | from&to: the bot report of the period — views by score
// bucket, known bots per day and path, dropped hits, and the suspicious visitors (not on a public
// instance: lib/public/policy.ts lists the sections it serves). `site_id` is optional (every
// site).
import { botsSections } from "../../../lib/export/bots.ts";
import { exportFilename, exportParams, sectionsResponse } from "../../../lib/export/mod.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { collect, db, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    // Known-bot and drop counters still in memory belong in the report.
    collect.flushCounters();
    const sections = botsSections(db, params, new Date(now()).toISOString());
    return sectionsResponse(ctx, sections, exportFilename("bots", params));
  },
};
