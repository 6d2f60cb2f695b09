// GET /api/stats/dashboard?site_id: the live dashboard — visitors now, zero-filled per-minute
// (60 min) and per-hour (24 h) charts keyed by UTC timestamps, recent visitors and events (not
// in public mode's view: lib/public/policy.ts).
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { requiredSiteId } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const siteId = requiredSiteId(ctx.url);
    return Response.json(await readerFor(ctx).run("liveDashboard", siteId));
  },
};
