// GET /api/export/overview.csv?site_id&days | from&to [&path&referrer&country&device&utm_*]
// [&limit]: the overview of one site as sections (summary against the previous period, daily
// trend, every top list, web vitals), with the stats API's parameters. Aggregates only: also
// served in public mode.
import { exportFilename, exportParams, sectionsResponse } from "../../../lib/export/mod.ts";
import { EXPORT_LIST_LIMIT, overviewSections } from "../../../lib/export/overview.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseOverviewQuery } from "../../../lib/stats/mod.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const now = services.now();
    const params = exportParams(ctx.url, now, { siteRequired: true });
    const query = parseOverviewQuery(ctx.url, now);
    const overview = await readerFor(ctx).run("overview", {
      ...query,
      compare: true,
      limit: query.limit ?? EXPORT_LIST_LIMIT,
    });
    const sections = overviewSections(overview, new Date(now).toISOString());
    return sectionsResponse(ctx, sections, exportFilename("overview", params));
  },
};
