// Funnels (routes/api/funnels/, routes/api/v2/funnel.ts): per site, a name and 2-8 steps counted
// per visit or visitor in strict or any order (lib/query/funnels.ts); their results over any range,
// filters and bot setting through POST /api/v2/funnel. Read keys list them and read results;
// writes need a session, ECHELON_SECRET or a write key.
import { z } from "zod";
import {
  FUNNEL_BODY,
  FUNNEL_ORDERS,
  FUNNEL_QUERY_BODY,
  FUNNEL_UNITS,
} from "../../query/funnels.ts";
import { defineOperation, json } from "../contract.ts";
import { rowIdParam, siteIdParam, withCode } from "../fields.ts";

const TAG = "Funnels";
export const FUNNEL_PATH = "/api/v2/funnel";

const Step = z.object({
  label: z.string().optional(),
  page: z.string().optional(),
  event_name: z.string().optional(),
  props: z.record(z.string(), z.string()).optional(),
});

const Funnel = z.object({
  id: z.number().int(),
  site_id: z.string(),
  name: z.string(),
  steps: z.array(Step),
  order: z.enum(FUNNEL_ORDERS),
  per: z.enum(FUNNEL_UNITS),
  created_at: z.string(),
});

const StepResult = z.object({
  label: z.string(),
  visitors: z.number().int().describe("Visits (or visitors) that reached the step"),
  dropoff: z.number().int().describe("Of the previous step's, those that did not reach this one"),
  conversion_rate: z.number().describe("Percent of the first step's"),
  median_seconds: z.number().nullable().describe("From the previous step (strict order)"),
});

const NOT_FOUND = { 404: "No such funnel (not_found)" };
const funnelPath = z.object({ id: withCode(rowIdParam("id"), "invalid_id") });

export const listFunnels = defineOperation({
  method: "GET",
  path: "/api/funnels",
  tag: TAG,
  summary: "Funnels (of one site), by site and name",
  auth: "read",
  query: z.object({ site_id: siteIdParam().optional() }),
  responses: { 200: json("Funnels", z.array(Funnel)) },
});

export const createFunnel = defineOperation({
  method: "POST",
  path: "/api/funnels",
  tag: TAG,
  summary: "Save a funnel: a name and 2-8 steps (pages or custom events)",
  auth: "write",
  body: FUNNEL_BODY,
  responses: { 201: json("Saved", z.object({ created: z.number().int(), funnel: Funnel })) },
  errors: {
    404: "No such site (not_found)",
    409: "The site has a funnel of that name (conflict), or 50 funnels (too_many)",
  },
});

export const getFunnel = defineOperation({
  method: "GET",
  path: "/api/funnels/:id",
  tag: TAG,
  summary: "One funnel",
  auth: "read",
  params: funnelPath,
  responses: { 200: json("The funnel", Funnel) },
  errors: NOT_FOUND,
});

export const updateFunnel = defineOperation({
  method: "PUT",
  path: "/api/funnels/:id",
  tag: TAG,
  summary: "Change a funnel (its site stays)",
  auth: "write",
  params: funnelPath,
  body: FUNNEL_BODY,
  responses: { 200: json("Changed", Funnel) },
  errors: { ...NOT_FOUND, 409: "The site has another funnel of that name (conflict)" },
});

export const deleteFunnel = defineOperation({
  method: "DELETE",
  path: "/api/funnels/:id",
  tag: TAG,
  summary: "Delete a funnel",
  auth: "write",
  params: funnelPath,
  responses: { 200: json("Deleted", z.object({ deleted: z.number().int() })) },
  errors: NOT_FOUND,
});

export const funnelResults = defineOperation({
  method: "POST",
  path: FUNNEL_PATH,
  tag: TAG,
  summary: "A funnel's results over a range, with the query API's filters and bot setting",
  description:
    "Read-only despite POST: read keys may call it. A stored funnel (funnel_id) or steps inline; " +
    "breakdown: the funnel per value of one dimension. 400 invalid_query naming the field.",
  auth: "read",
  body: FUNNEL_QUERY_BODY,
  responses: {
    200: json(
      "Each step's visits (or visitors), drop-off, conversion and median time",
      z.object({
        steps: z.array(StepResult),
        breakdown: z.array(z.object({ value: z.string(), steps: z.array(StepResult) }))
          .optional(),
        query: z.looseObject({}),
      }),
    ),
  },
  errors: { 429: "Too many heavy reads from this client (rate_limited)" },
});

export const FUNNEL_OPERATIONS = [
  listFunnels,
  createFunnel,
  getFunnel,
  updateFunnel,
  deleteFunnel,
  funnelResults,
];
