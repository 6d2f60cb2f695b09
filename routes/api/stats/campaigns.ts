// GET /api/stats/campaigns[?days | from&to][&site_id&status]: every registered campaign with its
// clean views, visitors, sessions and bounce rate in the period (default 30 days).
// GET /api/stats/campaigns?id=<campaign>: that campaign's report — totals, events and
// conversions (sessions with a custom event), by source/medium/content/term, top paths, landing
// pages and a zero-filled daily trend (lib/campaigns/report.ts). 404 not_found.
import { reportRange } from "../../../lib/campaigns/mod.ts";
import { CAMPAIGN_FILTER_QUERY, CAMPAIGN_REPORT_QUERY } from "../../../lib/campaigns/params.ts";
import { readQuery } from "../../../lib/api/validate.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseRange } from "../../../lib/stats/params.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const reads = readerFor(ctx);
    const range = reportRange(parseRange(ctx.url, now()));
    const { id } = readQuery({ query: CAMPAIGN_REPORT_QUERY }, ctx.url);
    if (id === undefined) {
      const { site_id: siteId, status = null } = readQuery(
        { query: CAMPAIGN_FILTER_QUERY },
        ctx.url,
      );
      return Response.json(await reads.run("campaignSummaries", range, { siteId, status }));
    }
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw new HttpError(404, "not_found", `No campaign "${id}"`);
    return Response.json(await reads.run("campaignReport", campaign, range));
  },
};
