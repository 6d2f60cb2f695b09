// UTM campaign registration (routes/api/campaigns/). Bodies, filters and the path id are the
// schemas of lib/campaigns/input.ts and params.ts, which the admin forms share.
import { z } from "zod";
import { CAMPAIGN_STATUSES } from "../../store/campaigns.ts";
import { CAMPAIGN_CHANGE_BODY, NEW_CAMPAIGN_BODY } from "../../campaigns/input.ts";
import { CAMPAIGN_FILTER_QUERY, CAMPAIGN_PATH } from "../../campaigns/params.ts";
import { defineOperation, json } from "../contract.ts";
import { publicAnswer } from "../public_shapes.ts";
import { PERIOD } from "./shared.ts";

const TAG = "Campaigns";

const Campaign = z.looseObject({
  id: z.string(),
  name: z.string(),
  utm_campaign: z.string(),
  site_id: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  created_at: z.string(),
});

const campaignPath = CAMPAIGN_PATH;
const NOT_FOUND = { 404: "No such campaign (not_found)" };

export const listCampaigns = defineOperation({
  method: "GET",
  path: "/api/campaigns",
  tag: TAG,
  summary: "Registered campaigns with their figures in the period, newest first",
  auth: "read",
  query: z.object({ ...CAMPAIGN_FILTER_QUERY.shape, ...PERIOD }),
  responses: { 200: json("Campaigns", publicAnswer("/api/campaigns")) },
});

export const createCampaign = defineOperation({
  method: "POST",
  path: "/api/campaigns",
  tag: TAG,
  summary: "Register a campaign",
  auth: "write",
  body: NEW_CAMPAIGN_BODY,
  responses: { 201: json("Registered", z.object({ created: z.string(), campaign: Campaign })) },
  errors: { 409: "The utm_campaign is registered for the site, or the id is taken (conflict)" },
});

export const getCampaign = defineOperation({
  method: "GET",
  path: "/api/campaigns/:id",
  tag: TAG,
  summary: "A campaign with its traffic in the period",
  auth: "read",
  params: campaignPath,
  query: z.object(PERIOD),
  responses: { 200: json("The campaign", publicAnswer("/api/campaigns/:id")) },
  errors: NOT_FOUND,
});

export const updateCampaign = defineOperation({
  method: "PATCH",
  path: "/api/campaigns/:id",
  tag: TAG,
  summary: "Rename a campaign or change its status",
  auth: "write",
  params: campaignPath,
  body: CAMPAIGN_CHANGE_BODY,
  responses: { 200: json("Saved", z.object({ updated: z.string(), campaign: Campaign })) },
  errors: NOT_FOUND,
});

export const deleteCampaign = defineOperation({
  method: "DELETE",
  path: "/api/campaigns/:id",
  tag: TAG,
  summary: "Remove a registration (stored views keep their utm values)",
  auth: "write",
  params: campaignPath,
  responses: { 200: json("Removed", z.object({ deleted: z.string() })) },
  errors: NOT_FOUND,
});

export const CAMPAIGN_OPERATIONS = [
  listCampaigns,
  createCampaign,
  getCampaign,
  updateCampaign,
  deleteCampaign,
];
