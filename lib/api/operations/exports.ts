// CSV exports (routes/api/export/): their parameters are the stats API's (lib/export/mod.ts reads
// them with lib/stats/params.ts). The crawler export is declared with the crawler report
// (lib/api/operations/bots.ts), whose query it shares.
import { z } from "zod";
import { BOTS_QUERY, EVENT_FILTER_QUERY } from "../../export/mod.ts";
import { csv, defineOperation } from "../contract.ts";
import { ANY_SITE, ENGINE_VIEW, FILTERS, LIST_LIMIT, PERIOD, SITE } from "./shared.ts";

const TAG = "Exports";

export const overviewCsv = defineOperation({
  method: "GET",
  path: "/api/export/overview.csv",
  tag: TAG,
  summary: "One site's overview as CSV sections (aggregates; also in public mode)",
  auth: "read",
  query: z.object({ ...SITE, ...PERIOD, ...FILTERS, ...ENGINE_VIEW, limit: LIST_LIMIT }),
  responses: { 200: csv("The overview") },
});

export const viewsCsv = defineOperation({
  method: "GET",
  path: "/api/export/views.csv",
  tag: TAG,
  summary: "The period's page views, one record per view, streamed",
  auth: "read",
  query: z.object({ ...ANY_SITE, ...PERIOD, ...BOTS_QUERY.shape }),
  responses: { 200: csv("Page views") },
});

export const eventsCsv = defineOperation({
  method: "GET",
  path: "/api/export/events.csv",
  tag: TAG,
  summary: "The period's events with their stored data, streamed",
  auth: "read",
  query: z.object({
    ...ANY_SITE,
    ...PERIOD,
    ...BOTS_QUERY.shape,
    ...EVENT_FILTER_QUERY.shape,
  }),
  responses: { 200: csv("Events") },
});

export const botsCsv = defineOperation({
  method: "GET",
  path: "/api/export/bots.csv",
  tag: TAG,
  summary: "The bot report of the period as CSV sections",
  auth: "read",
  query: z.object({ ...ANY_SITE, ...PERIOD }),
  responses: { 200: csv("The bot report") },
});

export const EXPORT_OPERATIONS = [overviewCsv, viewsCsv, eventsCsv, botsCsv];
