// GET /api/export/overview.csv?site_id&days | from&to [&path&referrer&country&device&utm_*]
// [&filters=<v2 JSON>&bots&bot_threshold] [&limit]: the overview of one site as sections (summary against the previous period, daily
// trend, every top list, web vitals), with the stats API's parameters. Aggregates only: also
// served in public mode.
import { exportFilename, exportParams, sectionsResponse } from "../../../lib/export/mod.ts";
import { EXPORT_LIST_LIMIT, overviewSections } from "../../../lib/export/overview.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseOverviewQuery, parseOverviewView, readOverview } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const now = services.now();
    const params = exportParams(ctx.url, now, { siteRequired: true });
    const query = parseOverviewQuery(ctx.url, now);
    const segments = await services.store.segments.list(query.siteId);
    const view = parseOverviewView(
      ctx.url,
      query.siteId,
      (id) => segments.find((s) => s.id === id) ?? null,
    );
    const overview = await readOverview(readerFor(ctx), {
      ...query,
      compare: true,
      limit: query.limit ?? EXPORT_LIST_LIMIT,
    }, view);
    const sections = overviewSections(overview, new Date(now).toISOString());
    return sectionsResponse(ctx, sections, exportFilename("overview", params));
  },
};
