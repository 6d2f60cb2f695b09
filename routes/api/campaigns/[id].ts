// /api/campaigns/:id — GET the campaign with its traffic in the period (?days | from&to, default
// 30 days); PATCH {name?, status?} (any status to any other: active, paused, archived); DELETE
// removes the registration (stored views keep their utm values). 400 invalid_id, 404 not_found.
import { getCampaign as getOperation } from "../../../lib/api/operations/campaigns.ts";
import { updateCampaign } from "../../../lib/api/operations/campaigns.ts";
import { readBody, readParams } from "../../../lib/api/validate.ts";
import { changeCampaign, removeCampaign, reportRange } from "../../../lib/campaigns/mod.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx } from "../../../lib/state.ts";
import type { CampaignRecord } from "../../../lib/store/campaigns.ts";
import { parseRange } from "../../../lib/stats/params.ts";

const MAX_BODY_BYTES = 4096;

async function campaignOf(ctx: Ctx): Promise<CampaignRecord> {
  const { id } = readParams(getOperation, ctx.params);
  const campaign = await ctx.state.services.store.campaigns.get(id);
  if (!campaign) throw new HttpError(404, "not_found", `No campaign "${id}"`);
  return campaign;
}

export const handler = {
  async GET(ctx: Ctx) {
    const { now } = ctx.state.services;
    const campaign = await campaignOf(ctx);
    const range = reportRange(parseRange(ctx.url, now()));
    return Response.json({
      ...await readerFor(ctx).run("campaignSummary", campaign, range),
      period: { from: range.from, to: range.to },
    });
  },

  async PATCH(ctx: Ctx) {
    const campaign = await campaignOf(ctx);
    const change = readBody(updateCampaign, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const saved = await changeCampaign(ctx.state.services, campaign.id, change);
    if (!saved) throw new HttpError(404, "not_found", `No campaign "${campaign.id}"`);
    return Response.json({ updated: saved.id, campaign: saved });
  },

  async DELETE(ctx: Ctx) {
    const campaign = await campaignOf(ctx);
    if (!await removeCampaign(ctx.state.services, campaign.id)) {
      throw new HttpError(404, "not_found", `No campaign "${campaign.id}"`);
    }
    return Response.json({ deleted: campaign.id });
  },
};
