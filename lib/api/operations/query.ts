// The query engine's operation (issue 16): POST /api/v2/query, Plausible's Stats API v2 request
// and response shapes. The body schema is the one the route validates with (lib/query/model.ts).
import { z } from "zod";
import { QUERY_BODY } from "../../query/model.ts";
import { defineOperation, json } from "../contract.ts";
import { JOURNEYS_PATH } from "./journeys.ts";

export const QUERY_PATH = "/api/v2/query";

const RESULT = z.object({
  results: z.array(z.object({
    dimensions: z.array(z.string()),
    metrics: z.array(z.number().nullable()),
    comparison: z.object({
      dimensions: z.array(z.string()),
      metrics: z.array(z.number().nullable()),
      change: z.array(z.number().nullable()),
    }).optional().describe("With include.comparisons: the same row in the comparison range"),
  })),
  meta: z.object({
    time_labels: z.array(z.string()).optional(),
    total_rows: z.number().optional(),
  }),
  query: z.looseObject({}).describe("The query as understood: the range as ISO times, defaults"),
});

export const statsQuery = defineOperation({
  method: "POST",
  path: QUERY_PATH,
  tag: "Stats",
  summary:
    "Stats API v2: metrics by dimensions over a date range, with filters (Plausible's shape)",
  description:
    "Read-only despite POST: API keys with the read scope may call it. Invalid queries " +
    "answer 400 invalid_query naming the field.",
  auth: "read",
  body: QUERY_BODY,
  responses: { 200: json("One row per combination of the dimensions' values", RESULT) },
  errors: { 429: "Too many heavy reads from this client (rate_limited)" },
});

/** POST routes that only read: read-scoped API keys may call them (lib/auth/api_keys.ts). */
export const READ_ONLY_POSTS: ReadonlySet<string> = new Set([
  QUERY_PATH,
  "/api/v2/funnel",
  "/api/v2/retention",
  JOURNEYS_PATH,
]);

export const QUERY_OPERATIONS = [statsQuery];
