// GET /api/export/bots.csv?site_id&days | from&to: the bot report of the period — views by score
// bucket, known bots per day and path, dropped hits, and the suspicious visitors (not on a public
// instance: lib/public/policy.ts lists the sections it serves). `site_id` is optional (every
// site).
import { exportFilename, exportParams, sectionsResponse } from "../../../lib/export/mod.ts";
import { isPublicView } from "../../../lib/public/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { collect, now } = ctx.state.services;
    const params = exportParams(ctx.url, now(), { siteRequired: false });
    // Known-bot and drop counters still in memory belong in the report.
    await collect.flushCounters();
    // The suspicious visitors, the costliest section, are read only for callers who may see them.
    const sections = await readerFor(ctx).run(
      "botsCsvSections",
      params,
      new Date(now()).toISOString(),
      !isPublicView(ctx),
    );
    return sectionsResponse(ctx, sections, exportFilename("bots", params));
  },
};
