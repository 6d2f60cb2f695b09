// The stats API's operations (routes/api/stats/): their answers are described by public mode's
// allow-list (the aggregate fields every caller gets; callers with credentials may get more).
// Query values are read through the schemas of lib/stats/params.ts, lib/campaigns/params.ts and
// lib/experiments/params.ts, which the admin pages share.
import { z } from "zod";
import { CAMPAIGN_FILTER_QUERY, CAMPAIGN_REPORT_QUERY } from "../../campaigns/params.ts";
import { EXPERIMENT_ID_QUERY, EXPERIMENT_LIST_QUERY } from "../../experiments/params.ts";
import { EVENT_TYPES } from "../../ingest/event_pipeline.ts";
import { defineOperation, json } from "../contract.ts";
import { publicAnswer } from "../public_shapes.ts";
import { ENGINE_VIEW, FILTERS, OVERVIEW_OPTIONS, PERIOD, SITE } from "./shared.ts";

const TAG = "Stats";

export const overview = defineOperation({
  method: "GET",
  path: "/api/stats/overview",
  tag: TAG,
  summary: "Headline figures, top lists, web vitals and the daily trend of one site",
  description: "Unfiltered: from rollups and the live delta. With any filter (the named ones, " +
    "`filters` in POST /api/v2/query's syntax) or a bot setting: computed by the query engine " +
    "over raw rows (`source.kind` engine).",
  auth: "read",
  query: z.object({
    ...SITE,
    ...PERIOD,
    ...FILTERS,
    ...ENGINE_VIEW,
    ...OVERVIEW_OPTIONS,
  }),
  responses: { 200: json("The overview", publicAnswer("/api/stats/overview")) },
});

export const dashboard = defineOperation({
  method: "GET",
  path: "/api/stats/dashboard",
  tag: TAG,
  summary: "The live dashboard: now, the last 60 minutes and 24 hours, recent visitors and events",
  auth: "read",
  query: z.object(SITE),
  responses: { 200: json("The live dashboard", publicAnswer("/api/stats/dashboard")) },
});

export const realtime = defineOperation({
  method: "GET",
  path: "/api/stats/realtime",
  tag: TAG,
  summary: "Active visitors of the last 5 minutes, their pages, referrers and countries",
  auth: "read",
  query: z.object(SITE),
  responses: { 200: json("Realtime figures", publicAnswer("/api/stats/realtime")) },
});

export const campaignStats = defineOperation({
  method: "GET",
  path: "/api/stats/campaigns",
  tag: TAG,
  summary: "Every registered campaign's figures, or with `id` one campaign's full report",
  auth: "read",
  query: z.object({
    ...PERIOD,
    ...CAMPAIGN_FILTER_QUERY.shape,
    ...CAMPAIGN_REPORT_QUERY.shape,
  }),
  responses: {
    200: json(
      "A list of campaign summaries, or one campaign's report when `id` is given",
      z.union([
        publicAnswer("/api/stats/campaigns") as z.ZodType,
        publicAnswer("/api/stats/campaigns", "/api/stats/campaigns?id=x") as z.ZodType,
      ]),
    ),
  },
  errors: { 404: "No such campaign (not_found)" },
});

export const campaignEvents = defineOperation({
  method: "GET",
  path: "/api/stats/campaign-events",
  tag: TAG,
  summary: "Campaign → event correlation of one site",
  auth: "read",
  query: z.object({
    ...SITE,
    ...PERIOD,
    event_type: z.enum([...EVENT_TYPES] as [string, ...string[]], {
      error: (i) =>
        `event_type: ${JSON.stringify(String(i.input).slice(0, 40))} is not an event type ` +
        `(${[...EVENT_TYPES].join(", ")})`,
    }).optional(),
  }),
  responses: { 200: json("Per utm_campaign value", publicAnswer("/api/stats/campaign-events")) },
});

export const experimentStats = defineOperation({
  method: "GET",
  path: "/api/stats/experiments",
  tag: TAG,
  summary: "Experiment results: exposures, conversions, z-test, interval, sample-ratio check",
  description: "One experiment (`experiment_id`), or every active and completed one.",
  auth: "read",
  query: EXPERIMENT_ID_QUERY.extend(EXPERIMENT_LIST_QUERY.shape),
  responses: { 200: json("Results, one per experiment", publicAnswer("/api/stats/experiments")) },
  errors: { 404: "No such experiment (not_found)" },
});

export const STATS_OPERATIONS = [
  overview,
  dashboard,
  realtime,
  campaignStats,
  campaignEvents,
  experimentStats,
];
