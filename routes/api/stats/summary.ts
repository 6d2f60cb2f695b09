// GET /api/stats/summary: write-buffer sizes and flush timings, drop counters since start, and
// the last 24 hours across all sites. Public mode omits the internal figures.
import { last24hCounts } from "../../../lib/db/summary.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { collect, config, db, now } = ctx.state.services;
    const last_24h = last24hCounts(db, now());
    if (config.publicMode) return Response.json({ last_24h });
    return Response.json({
      buffers: { views: collect.views.size, events: collect.events.size },
      writers: { views: collect.views.stats(), events: collect.events.stats() },
      dropped: collect.drops.totals(),
      known_bots: collect.botTotals(),
      last_24h,
    });
  },
};
