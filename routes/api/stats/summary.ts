// GET /api/stats/summary: write-buffer sizes and flush timings, drop counters since start, and
// the last 24 hours across all sites. Public mode shows the last 24 hours only
// (lib/public/policy.ts).
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { collect, now } = ctx.state.services;
    const last_24h = await readerFor(ctx).run("last24h", now());
    return Response.json({
      buffers: { views: collect.views.size, events: collect.events.size },
      writers: { views: collect.views.stats(), events: collect.events.stats() },
      dropped: collect.drops.totals(),
      known_bots: collect.botTotals(),
      last_24h,
    });
  },
};
