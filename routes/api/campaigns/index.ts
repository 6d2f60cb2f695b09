// GET /api/campaigns[?site_id&status&days|from&to]: registered UTM campaigns, newest first, each
// with its clean views, visitors, sessions and bounce rate in the period (default 30 days).
// POST /api/campaigns {utm_campaign, name?, site_id? ("default"), status? ("active"), id?}:
// registers one (201 {created, campaign}); the same utm_campaign on the same site twice, or a
// taken id, is 409 conflict. Only active campaigns are recorded by the collectors (unless
// ECHELON_UTM_RECORD_ALL=true); the whitelist follows at once.
import { createCampaign, parseNewCampaign, reportRange } from "../../../lib/campaigns/mod.ts";
import { campaignFilter } from "../../../lib/campaigns/params.ts";
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
    const filter = campaignFilter(ctx.url);
    const range = reportRange(parseRange(ctx.url, now()));
    return Response.json(await reads.run("campaignSummaries", range, filter));
  },

  async POST(ctx: Ctx) {
    const services = ctx.state.services;
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(
        400,
        "invalid_payload",
        "Expected a JSON object {utm_campaign, name?, site_id?, status?, id?}",
      );
    }
    const parsed = parseNewCampaign(body as Record<string, unknown>);
    if (!parsed.ok) throw new HttpError(400, "invalid_payload", parsed.errors.join(" "));
    const outcome = createCampaign(services, parsed.value);
    switch (outcome.kind) {
      case "duplicate_value":
        throw new HttpError(
          409,
          "conflict",
          `utm_campaign "${parsed.value.utm_campaign}" is already registered for site ` +
            `"${parsed.value.site_id}" (campaign "${outcome.existing.id}")`,
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
