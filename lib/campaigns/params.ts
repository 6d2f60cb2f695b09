// Query and path parameters of the campaign API routes, as zod schemas that validate them
// (lib/api/validate.ts) and that the OpenAPI document prints: the optional site and status
// filters and the campaign id, each refused with 400 naming the parameter (never a 500).
import { z } from "zod";
import { CAMPAIGN_STATUSES } from "../store/campaigns.ts";
import { campaignIdField, campaignSiteField } from "./input.ts";

/** `site_id` and `status`, both optional. */
export const CAMPAIGN_FILTER_QUERY = z.object({
  site_id: campaignSiteField(null).describe("Only this site's campaigns"),
  status: z.enum(CAMPAIGN_STATUSES, {
    error: (i) =>
      `status: must be one of ${CAMPAIGN_STATUSES.join(", ")}, got ${
        JSON.stringify(String(i.input).slice(0, 40))
      }.`,
  }).optional(),
});

/** The campaign in the path. */
export const CAMPAIGN_PATH = z.object({ id: campaignIdField().describe("The campaign id") });

/** `id`: one campaign's report instead of the list. */
export const CAMPAIGN_REPORT_QUERY = z.object({
  id: campaignIdField().optional()
    .describe("One campaign: its report (totals, events, conversions, breakdowns, trend)"),
});
