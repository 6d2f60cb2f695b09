// GET /api/campaigns[?site_id&status&days|from&to]: registered UTM campaigns, newest first, each
// with its clean views, visitors, sessions and bounce rate in the period (default 30 days).
// POST /api/campaigns {utm_campaign, name?, site_id? ("default"), status? ("active"), id?}:
// registers one (201 {created, campaign}); the same utm_campaign on the same site twice, or a
// taken id, is 409 conflict. Only active campaigns are recorded by the collectors (unless
// ECHELON_UTM_RECORD_ALL=true); the whitelist follows at once.
import { createCampaign as createOperation } from "../../../lib/api/operations/campaigns.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { createCampaign, reportRange } from "../../../lib/campaigns/mod.ts";
import { CAMPAIGN_FILTER_QUERY } from "../../../lib/campaigns/params.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import { parseRange } from "../../../lib/stats/params.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async GET(ctx: Ctx) {
    const { now } = ctx.state.services;
    const reads = readerFor(ctx);
    const { site_id: siteId, status = null } = readQuery(
      { query: CAMPAIGN_FILTER_QUERY },
      ctx.url,
    );
    const filter = { siteId, status };
    const range = reportRange(parseRange(ctx.url, now()));
    return Response.json(await reads.run("campaignSummaries", range, filter));
  },

  async POST(ctx: Ctx) {
    const services = ctx.state.services;
    const campaign = readBody(createOperation, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const outcome = await createCampaign(services, campaign);
    switch (outcome.kind) {
      case "duplicate_value":
        throw new HttpError(
          409,
          "conflict",
          `utm_campaign "${campaign.utm_campaign}" is already registered for site ` +
            `"${campaign.site_id}" (campaign "${outcome.existing.id}")`,
        );
      case "duplicate_id":
        throw new HttpError(409, "conflict", `A campaign with id "${outcome.id}" already exists`);
      case "created":
        return Response.json(
          { created: outcome.campaign.id, campaign: outcome.campaign },
          { status: 201 },
        );
    }
  },
};
