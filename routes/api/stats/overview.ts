// GET /api/stats/overview?site_id&days=30 | from&to [&compare=previous] [&path&path_contains
// &referrer&country&device&utm_source&utm_medium&utm_campaign] [&filters=<v2 JSON>&bots
// &bot_threshold] [&limit]: headline figures, top lists, web vitals and the daily trend of one
// site; unfiltered from rollups, filtered by the query engine (lib/stats/overview_read.ts).
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseOverviewQuery, parseOverviewView, readOverview } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const query = parseOverviewQuery(ctx.url, now());
    const segments = await store.segments.list(query.siteId);
    const view = parseOverviewView(
      ctx.url,
      query.siteId,
      (id) => segments.find((s) => s.id === id) ?? null,
    );
    return Response.json(await readOverview(readerFor(ctx), query, view));
  },
};
