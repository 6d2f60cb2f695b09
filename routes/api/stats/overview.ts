// GET /api/stats/overview?site_id&days=30 | from&to [&compare=previous] [&path&path_contains
// &referrer&country&device&utm_source&utm_medium&utm_campaign] [&limit]: headline figures, top
// lists, web vitals and the daily trend of one site (lib/stats/overview.ts says which figures come
// from rollups).
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseOverviewQuery } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const query = parseOverviewQuery(ctx.url, services.now());
    return Response.json(await readerFor(ctx).run("overview", query));
  },
};
